package com.zeroui.kms.cli.remote;

import com.zeroui.kms.client.KmsApiException;
import com.zeroui.kms.client.KmsClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command that calls the KMS API. Exit codes: 0 done, 1 a signature or MAC did not verify, 2 bad
 * usage, 3 refused by the service (its ErrorResponse code and message on stderr), 4 no usable answer
 * (connection, TLS, outage: worth retrying later).
 */
public abstract class RemoteCommand implements Callable<Integer> {
    public static final int INVALID = 1;
    public static final int USAGE = 2;
    public static final int REFUSED = 3;
    public static final int UNAVAILABLE = 4;

    @Mixin
    ConnectionOptions connection;

    @picocli.CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    /** Runs the command; returns the exit code. */
    abstract int run() throws IOException;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (UsageException e) {
            return fail(USAGE, e.getMessage());
        } catch (KmsApiException e) {
            String receipt = e.receiptId().map(r -> " (receipt " + r + ")").orElse("");
            return fail(e.status() >= 500 || e.retryable() ? UNAVAILABLE : REFUSED,
                    e.code() + ": " + e.error().message() + receipt);
        } catch (KmsClientException e) {
            return fail(UNAVAILABLE, e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return fail(USAGE, e.getMessage());
        }
    }

    private static int fail(int code, String message) {
        System.err.println("kms: " + message);
        return code;
    }
}
