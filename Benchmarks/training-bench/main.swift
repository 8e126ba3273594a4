print("training-bench: being written")
