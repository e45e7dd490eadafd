package com.zeroui.kms.audit;

import com.zeroui.kms.auth.CallerIdentity;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.Events;
import java.time.Clock;
import java.util.List;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;

/** Signs tree heads on demand and on a schedule; the newest one is what proofs point at. */
public final class TreeHeads {
    static final String EVENT = "tree_head_signed";
    /** All heads are delivered in one order: a witness sees sizes grow. */
    static final String EVENT_ORDERING_KEY = "audit-log";

    private final AuditRepository repository;
    private final ReceiptSigner signer;
    private final Clock clock;
    private final LogIntegrity integrity;
    private final Events events;

    public TreeHeads(AuditRepository repository, ReceiptSigner signer, Clock clock) {
        this(repository, signer, clock, new LogIntegrity(), Events.none(clock));
    }

    /**
     * Signs no head once {@code integrity} reports the stored log broken: it would fork from what was
     * published. Every head signed is announced as a {@value #EVENT} event (when enabled), in the
     * transaction that stores it, so event sinks hold a copy outside this database.
     */
    public TreeHeads(AuditRepository repository, ReceiptSigner signer, Clock clock, LogIntegrity integrity, Events events) {
        this.integrity = integrity;
        this.events = events;
        this.repository = repository;
        this.signer = signer;
        this.clock = clock;
    }

    /** The newest signed head, signing a new one first when the log has grown past it. */
    public synchronized TreeHead latest() {
        long size = repository.size();
        TreeHead newest = repository.latestTreeHead().orElse(null);
        if (newest != null && newest.treeSize() >= size) {
            return newest;
        }
        return sign(size);
    }

    /**
     * The signed head of exactly {@code size} receipts (≤ the log's size), signing one when none
     * is stored: a seal ends at such a head.
     */
    public synchronized TreeHead at(long size) {
        long logSize = repository.size();
        if (size < 0 || size > logSize) {
            throw new IllegalArgumentException("no tree of size " + size + " in a log of " + logSize + " receipts");
        }
        return repository.treeHead(size).orElseGet(() -> sign(size));
    }

    /** Signs the head for the log's current size (used by the scheduler; a no-op when nothing changed). */
    public void signIfGrown() {
        latest();
    }

    private TreeHead sign(long size) {
        integrity.requireIntact();
        ReceiptSigner signer = this.signer.current();
        String root = HexFormat.of().formatHex(new MerkleTree(repository).root(size));
        var ts = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        byte[] signature = signer.sign(CanonicalJson.bytes(TreeHead.content(size, root, ts, signer.keyId())));
        TreeHead head = new TreeHead(size, root, ts, signer.keyId(), Base64.getEncoder().encodeToString(signature));
        repository.insertTreeHead(head, events.make(EventType.TREE_HEAD_SIGNED, CallerIdentity.GLOBAL_TENANT, null, null,
                EVENT_ORDERING_KEY, head.view()).map(List::of).orElse(List.of()));
        // another node may have signed the same size first: both are valid; return what is stored
        return repository.treeHead(size).orElse(head);
    }
}
