package com.zeroui.kms.cli.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import picocli.CommandLine.Option;

/** The data to work on: a file, standard input (the default), or a literal; {@code --b64} when it is base64 text. */
public final class InputOptions {
    @Option(names = {"-i", "--in"}, paramLabel = "FILE", description = "read the data from FILE (default: standard input)")
    Path in;

    @Option(names = "--data", paramLabel = "TEXT", description = "the data itself, as UTF-8 text")
    String data;

    @Option(names = "--b64", description = "the input is base64 text; decode it first")
    boolean base64;

    byte[] read() throws IOException {
        if (in != null && data != null) {
            throw new UsageException("give the data with --in or --data, not both");
        }
        byte[] bytes;
        if (data != null) {
            bytes = data.getBytes(StandardCharsets.UTF_8);
        } else if (in != null && !in.toString().equals("-")) {
            bytes = Files.readAllBytes(in);
        } else {
            bytes = System.in.readAllBytes();
        }
        if (!base64) {
            return bytes;
        }
        try {
            return Base64.getMimeDecoder().decode(new String(bytes, StandardCharsets.US_ASCII).trim());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--b64: the input is not base64: " + e.getMessage());
        }
    }
}
