/** The one Python pty helper behind tty execs (backend-local, the Nomad emulator): a constant and pure argv builders, no I/O. */

/**
 * `python3 -c PTY_HELPER_PY <rows> <cols> <argv…>`: forks the argv on a new pty, copies stdin → pty and
 * pty → stdout, reads "rows cols\n" resize lines on fd 3, and exits with the program's exit code
 * (128+N for signal N). argv stays argv: nothing is ever spliced into shell text.
 * The pty does the line discipline itself (ONLCR `\r\n`, echo, ^C, ^D), and stderr is the same terminal.
 * The pty is sized before the fork (not in the child after it), so a resize that arrives at once is never
 * overwritten by the initial size.
 * `script(1)` was not used: it only takes shell text and lingers for seconds after stdin closes.
 */
export const PTY_HELPER_PY = `
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
master, slave = os.openpty()
size(slave, rows, cols)
pid = os.fork()
if pid == 0:
    os.close(master)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.close(slave)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    try:
        os.execvp(argv[0], argv)
    except OSError as error:
        # "\\n" only: the pty's ONLCR adds the "\\r".
        os.write(2, ("%s: %s\\n" % (argv[0], error.strerror)).encode())
        os._exit(127)
os.close(slave)
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

/** Largest size a `struct winsize` field holds (unsigned short); the helper would crash on more. */
const MAX_DIM = 65535;

/** A terminal dimension the helper accepts: an integer in 1…65535 (1 for anything not finite). */
function dim(n: number): string {
  return String(Number.isFinite(n) ? Math.min(MAX_DIM, Math.max(1, Math.trunc(n))) : 1);
}

/**
 * argv that runs `argv` on a fresh pty of `rows`×`cols` through the helper (spawn it with a 4th stdio pipe for
 * resizes). `python` may be an absolute path: a wrapper such as a pyenv shim can close fd 3 on the way.
 */
export function ptyHelperArgv(rows: number, cols: number, argv: readonly string[], python = "python3"): string[] {
  return [python, "-c", PTY_HELPER_PY, dim(rows), dim(cols), ...argv];
}

/** The line to write on the helper's fd 3 to resize its pty. */
export function ptyResizeLine(rows: number, cols: number): string {
  return `${dim(rows)} ${dim(cols)}\n`;
}
