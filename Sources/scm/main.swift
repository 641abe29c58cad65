print("scm")
