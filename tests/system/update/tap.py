# TAP lines for the Python parts of the system tests: check() prints "ok - WHAT" or "not ok - WHAT"
# followed by up to 15 lines of detail as "#   " comments; failed() says whether any check failed.
failures = 0


def check(cond, what, detail=""):
    global failures
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    if not cond:
        failures += 1
        for line in str(detail).splitlines()[:15]:
            print("#   " + line)


def failed():
    return failures > 0
