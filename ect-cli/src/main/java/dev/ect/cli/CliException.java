package dev.ect.cli;

/** Bad input or an I/O problem: the message goes to stderr and the command exits with 2. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) { super(message); }

    CliException(String message, Throwable cause) { super(message, cause); }
}
