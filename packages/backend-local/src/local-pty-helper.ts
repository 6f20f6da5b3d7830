/** A fixed Python pty helper for tty execs: argv stays argv (no shell text), size at start and on resize via fd 3. */

/**
 * `python3 -c PTY_HELPER <rows> <cols> <argv…>`: forks the argv on a new pty (size set before exec),
 * copies stdin → pty and pty → stdout, reads "rows cols\n" resize lines on fd 3, and exits with the
 * program's exit code (128+N for signal N). `script(1)` was not used: it only takes shell text and
 * lingers for seconds after stdin closes.
 */
export const PTY_HELPER = `
import fcntl, os, select, signal, struct, sys, termios
def size(fd, rows, cols):
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    except OSError:
        pass
def put(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
rows, cols, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
pid, master = os.forkpty()
if pid == 0:
    size(0, rows, cols)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    try:
        os.execvp(argv[0], argv)
    except OSError as error:
        os.write(2, ("%s: %s\\r\\n" % (argv[0], error.strerror)).encode())
        os._exit(127)
size(master, rows, cols)
inputs, control = [0, 3, master], b""
while master in inputs:
    ready = select.select(inputs, [], [])[0]
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b""
        if data:
            put(1, data)
        else:
            inputs.remove(master)
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            put(master, data)
        else:
            inputs.remove(0)
    if 3 in ready:
        data = os.read(3, 4096)
        if not data:
            inputs.remove(3)
        control += data
        while b"\\n" in control:
            line, control = control.split(b"\\n", 1)
            parts = line.split()
            if len(parts) == 2:
                size(master, int(parts[0]), int(parts[1]))
code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
sys.exit(128 - code if code < 0 else code)
`;
