// hessian-bench: placeholder entry until the benchmark lands (issue 5).
print("hessian-bench: not yet written")
