package com.zeroui.kms.keys;

import com.zeroui.kms.audit.ReceiptKeyring;
import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.crypto.SignatureAlgorithm;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One service key (receipt, approval or trust-bundle signing) over time. The key holding the alias
 * signs; once it is older than the rotation schedule a successor takes the alias over, and the old
 * key stays valid for the overlap (other nodes may still sign with it until they reload, and
 * verifiers fetch the new key) before it retires. Every key the alias ever had stays listed with
 * its validity, so whatever it signed while valid keeps verifying.
 */
public final class ServiceKeyChain {
    /**
     * One key of the chain: {@code notAfter} is null while it is the signing key; {@code status} is
     * {@code active}, {@code retiring} (replaced, within the overlap) or {@code retired}.
     */
    public record Version(KeyRecord key, Instant notBefore, Instant notAfter, String status) {
        /**
         * Whether something made at {@code at} may carry this key's signature: the receipt key's rule
         * (a minute of slack before {@code notBefore}, for work stamped just before a node switched),
         * applied to every service key.
         */
        public boolean validAt(Instant at) {
            return ReceiptKeyring.validAt(notBefore, notAfter, at);
        }

        /** Whether the key is still accepted at {@code now}: active, or replaced and within its overlap. */
        public boolean acceptedAt(Instant now) {
            return notAfter == null || !now.isAfter(notAfter);
        }
    }

    /** The signing key at one moment: its id and its signer, taken together so they always match. */
    public record Signing(String keyId, UnaryOperator<byte[]> sign) {
    }

    /** A key id this node does not know makes it re-read the chain, at most this often (ids are caller input). */
    static final Duration UNKNOWN_KEY_RELOAD = Duration.ofSeconds(1);

    private final ServiceKeys keys;
    private final ServiceKeyPurpose purpose;
    private final String alias;
    private final SignatureAlgorithm algorithm;
    private final Period schedule;
    private final Duration overlap;
    private final Clock clock;
    private volatile State state;
    private volatile long lastUnknownReload = System.nanoTime() - UNKNOWN_KEY_RELOAD.toNanos();

    private record State(Signing signing, KeyRecord current, List<Version> versions) {
    }

    ServiceKeyChain(ServiceKeys keys, ServiceKeyPurpose purpose, SignatureAlgorithm algorithm, Period schedule,
                    Duration overlap, Clock clock) {
        this.keys = keys;
        this.purpose = purpose;
        this.alias = purpose.alias();
        this.algorithm = algorithm;
        this.schedule = schedule;
        this.overlap = overlap;
        this.clock = clock;
        reload();
    }

    public String alias() {
        return alias;
    }

    public ServiceKeyPurpose purpose() {
        return purpose;
    }

    public KeyRecord current() {
        return state.current();
    }

    public Signing signing() {
        return state.signing();
    }

    /** Oldest first. */
    public List<Version> versions() {
        return state.versions();
    }

    public Optional<Version> version(String keyId) {
        return state.versions().stream().filter(v -> v.key().keyId().equals(keyId)).findFirst();
    }

    /**
     * The version named {@code keyId}; an id this node does not know yet (another node rotated the
     * chain since it last looked) makes it re-read the chain first, at most once per
     * {@link #UNKNOWN_KEY_RELOAD} so that made-up ids cannot turn into a stream of database reads.
     */
    public Optional<Version> find(String keyId) {
        Optional<Version> known = version(keyId);
        long now = System.nanoTime();
        if (known.isPresent() || now - lastUnknownReload < UNKNOWN_KEY_RELOAD.toNanos()) {
            return known;
        }
        lastUnknownReload = now;
        reload();
        return version(keyId);
    }

    /** Re-reads the chain from the store (another node may have rotated it). */
    public synchronized void reload() {
        KeyRecord current = keys.holderOf(alias);
        List<Version> versions = versions(keys.repository(), current, clock.instant());
        state = new State(new Signing(current.keyId(), keys.signer(current, algorithm)), current, versions);
    }

    /** When the signing key is due to be replaced. */
    public Instant rotationDue() {
        return state.current().createdAt().atOffset(ZoneOffset.UTC).plus(schedule).toInstant();
    }

    /**
     * Rotates when the signing key is older than the schedule (one node wins when several try), then
     * reloads; true when this call rotated it.
     */
    public synchronized boolean rotateIfDue() {
        reload();
        if (clock.instant().isBefore(rotationDue())) {
            return false;
        }
        boolean rotated = keys.rotate(state.current(), overlap);
        reload();
        return rotated;
    }

    /**
     * The chain ending at {@code current}, oldest first, following predecessor links: each key was
     * valid from its creation until its successor's overlap ended (its {@code valid_until}).
     */
    static List<Version> versions(KeyRepository repository, KeyRecord current, Instant now) {
        List<Version> out = new ArrayList<>();
        KeyRecord key = current;
        for (int guard = 0; key != null && guard < 10_000; guard++) {
            KeyRecord at = key.asOf(now);
            String status = at.state() == KeyState.ACTIVE ? "active"
                    : at.state() == KeyState.PENDING_ROTATION ? "retiring" : "retired";
            // the first key signed from the start of the log: no earlier key's time bounds it (and a node
            // clock stepped back does not make its own receipts invalid)
            Instant notBefore = key.lifecycle().predecessorKeyId() == null ? null : key.validFrom();
            out.add(new Version(key, notBefore, at.state() == KeyState.ACTIVE ? null : key.validUntil(), status));
            String previous = key.lifecycle().predecessorKeyId();
            key = previous == null ? null : repository.findById(previous).orElse(null);
        }
        Collections.reverse(out);
        return List.copyOf(out);
    }

    /** Every key the purpose's alias has had, by the holder's predecessor links (for tools that only read the store). */
    public static List<Version> history(KeyRepository repository, ServiceKeyPurpose purpose, Instant now) {
        return repository.findByAlias(CallerIdentity.GLOBAL_TENANT, Environment.PROD, purpose.alias())
                .map(current -> versions(repository, current, now)).orElse(List.of());
    }
}
