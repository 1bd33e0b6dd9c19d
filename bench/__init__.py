"""The afreader benchmark (`python -m bench`, or `bench/run.py`) and its shared tmux driver."""
