package com.zeroui.kms.keys;

import com.zeroui.kms.audit.Audited;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.MacAlgorithm;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.keys.KeyOperations.Operation;
import com.zeroui.kms.keys.KeyOperations.Outcome;
import com.zeroui.kms.keys.KeyOperations.Target;

/** Compute and verify message authentication codes with a managed HMAC key. */
public final class MacService {
    static final Operation MAC = new Operation("mac_created", "mac", KeyUsage.MAC, EventType.MAC_CREATED);
    static final Operation MAC_VERIFY = new Operation("mac_verified", "mac_verify", KeyUsage.MAC_VERIFY,
            EventType.MAC_VERIFIED);

    private final KeyOperations operations;

    public MacService(KeyOperations operations) {
        this.operations = operations;
    }

    public record Tagged(KeyRecord key, MacAlgorithm algorithm, byte[] mac) {
    }

    public record Checked(KeyRecord key, MacAlgorithm algorithm, boolean valid) {
    }

    public Audited<Tagged> mac(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] data, MacAlgorithm requested) {
        return operations.run(MAC, new Target(caller, scope, ref),
                r -> r.param("algorithm", requested == null ? null : requested.apiName()).secretLength("data", data.length),
                key -> {
                    MacAlgorithm algorithm = key.macAlgorithm(requested);
                    key.receipt().algorithm(algorithm.apiName());
                    return Outcome.of(new Tagged(key.record(), algorithm, key.mac(algorithm, data)),
                            "algorithm", algorithm.apiName());
                });
    }

    /** A tag that does not match is {@code valid=false}, not an error; the comparison takes constant time. */
    public Audited<Checked> verify(CallerIdentity caller, KeyScope scope, KeyRef ref, byte[] data, byte[] mac,
                                   MacAlgorithm requested) {
        return operations.run(MAC_VERIFY, new Target(caller, scope, ref),
                r -> r.param("algorithm", requested == null ? null : requested.apiName())
                        .secretLength("data", data.length).secretLength("mac", mac.length),
                key -> {
                    MacAlgorithm algorithm = key.macAlgorithm(requested);
                    key.receipt().algorithm(algorithm.apiName());
                    boolean valid = key.verifyMac(algorithm, data, mac);
                    return Outcome.of(new Checked(key.record(), algorithm, valid), "valid", valid);
                });
    }
}
