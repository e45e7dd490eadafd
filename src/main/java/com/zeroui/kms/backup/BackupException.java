package com.zeroui.kms.backup;

/**
 * A backup that cannot be made, read or restored, with a one-line reason an operator can act on:
 * the wrong master key, a damaged file, a target that is not empty, a schema this build does not know.
 */
public final class BackupException extends RuntimeException {
    public enum Kind { WRONG_MASTER_KEY, CORRUPT, NOT_A_BACKUP, TARGET_NOT_EMPTY, INCOMPATIBLE, SOURCE }

    private final Kind kind;

    public BackupException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public BackupException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
