package com.zeroui.kms.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.events.EventOutbox;
import com.zeroui.kms.events.EventType;
import com.zeroui.kms.events.KmsEvent;
import com.zeroui.kms.keys.Plane;
import com.zeroui.kms.trust.anchors.AnchorType;
import com.zeroui.kms.trust.anchors.TrustAnchor;
import com.zeroui.kms.trust.anchors.TrustAnchorRepository;
import com.zeroui.kms.trust.anchors.TrustAnchorRepository.AnchorFilter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The trust anchor store on both engines: change numbers, per-(scope, plane) versions, layering, events in the same transaction. */
@ParameterizedClass(name = "{0}")
@EnumSource(StoreBackend.class)
class JdbcTrustAnchorRepositoryTest {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static StoreBackend.TempStore store;
    private static Database database;
    private static JdbcTrustAnchorRepository anchors;
    private static JdbcEventOutbox outbox;

    @Parameter(0)
    StoreBackend backend;

    @BeforeParameterizedClassInvocation
    static void open(StoreBackend backend) {
        store = backend.create("trust_anchors");
        database = store.open();
        anchors = new JdbcTrustAnchorRepository(database);
        outbox = new JdbcEventOutbox(database);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        StoreBackend.close(store, database);
        database = null;
        store = null;
    }

    @Test
    void anAnchorReadsBackAsWrittenWithItsChangeNumber() {
        String tenant = newTenant();
        TrustAnchor a = anchor(tenant, AnchorType.EXTERNAL_CA, EnumSet.of(Plane.SHARED, Plane.LAPTOP));
        long version = anchors.insert(a, v -> List.of());
        TrustAnchor read = anchors.findById(a.anchorId()).orElseThrow();
        assertThat(read).isEqualTo(a.withVersion(version));
        assertThat(read.orderedPlanes()).containsExactly(Plane.LAPTOP, Plane.SHARED);
        assertThat(anchors.findByFingerprint(tenant, a.fingerprintSha256())).contains(read);
        assertThat(anchors.findByFingerprint(newTenant(), a.fingerprintSha256())).isEmpty();
        assertThat(anchors.findById(UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void aCertificateIsAnAnchorOfAScopeOnceAndARefusedAddUsesNoNumberAndNoEvent() {
        String tenant = newTenant();
        TrustAnchor a = anchor(tenant, AnchorType.ROOT, EnumSet.of(Plane.TENANT));
        long first = anchors.insert(a, v -> List.of());
        long seq = outbox.lastSeq();
        TrustAnchor again = copyOf(a, UUID.randomUUID().toString(), tenant);
        assertThatThrownBy(() -> anchors.insert(again, v -> events(again, v)))
                .isInstanceOf(TrustAnchorRepository.DuplicateAnchorException.class);
        assertThat(outbox.lastSeq()).as("the duplicate's event rolled back with it").isEqualTo(seq);
        TrustAnchor elsewhere = copyOf(a, UUID.randomUUID().toString(), newTenant());
        assertThat(anchors.insert(elsewhere, v -> List.of())).as("another scope may hold the same certificate, and"
                + " the refused add did not use a number").isEqualTo(first + 1);
    }

    @Test
    void theEventCarriesTheChangeNumberAndCommitsWithTheChange() {
        String tenant = newTenant();
        long seq = outbox.lastSeq();
        TrustAnchor a = anchor(tenant, AnchorType.INTERNAL_CA, EnumSet.of(Plane.PRODUCT));
        long added = anchors.insert(a, v -> events(a, v));
        long removed = anchors.remove(a.anchorId(), v -> events(a, v)).orElseThrow();
        assertThat(removed).isGreaterThan(added);
        List<EventOutbox.StoredEvent> written = outbox.after(seq, tenant, 10);
        assertThat(written).extracting(EventOutbox.StoredEvent::type)
                .containsExactly(EventType.TRUST_ANCHOR_UPDATED, EventType.TRUST_ANCHOR_UPDATED);
        assertThat(written.get(0).json()).contains("\"version\":\"" + added + "\"");
        assertThat(written.get(1).json()).contains("\"version\":\"" + removed + "\"");
        assertThat(anchors.remove(a.anchorId(), v -> events(a, v))).as("already gone").isEmpty();
        assertThat(outbox.after(seq, tenant, 10)).as("and nothing announced").hasSize(2);
    }

    @Test
    void aRevocationIsKeptTakesAChangeNumberCommitsItsEventAndHappensOnce() {
        String tenant = newTenant();
        TrustAnchor a = insert(anchor(tenant, AnchorType.EXTERNAL_CA, EnumSet.of(Plane.TENANT)));
        TrustAnchor b = insert(anchor(tenant, AnchorType.EXTERNAL_CA, EnumSet.of(Plane.TENANT)));
        long seq = outbox.lastSeq();
        TrustAnchor.Revocation revocation = new TrustAnchor.Revocation(Instant.now().truncatedTo(ChronoUnit.MILLIS),
                "keyCompromise", "M21");
        long version = anchors.revoke(a.anchorId(), revocation, v -> events(a, v)).orElseThrow();
        assertThat(version).isGreaterThan(b.version());
        assertThat(anchors.bundle(tenant, Plane.TENANT).version()).isEqualTo(version);
        assertThat(anchors.findById(a.anchorId()).orElseThrow().revocation()).isEqualTo(revocation);
        assertThat(anchors.findById(b.anchorId()).orElseThrow().revocation()).isNull();
        assertThat(anchors.revoked(tenant)).extracting(TrustAnchor::anchorId).containsExactly(a.anchorId());
        assertThat(anchors.revoked(newTenant())).extracting(TrustAnchor::anchorId).doesNotContain(a.anchorId());
        assertThat(anchors.bundle(tenant, Plane.TENANT).anchors()).extracting(TrustAnchor::anchorId)
                .as("still in the store's bundle snapshot; callers filter").contains(a.anchorId(), b.anchorId());
        assertThat(outbox.after(seq, tenant, 10)).hasSize(1);
        assertThat(anchors.revoke(a.anchorId(), revocation, v -> events(a, v))).as("already revoked").isEmpty();
        assertThat(outbox.after(seq, tenant, 10)).as("and nothing announced").hasSize(1);
        assertThat(anchors.revoke(UUID.randomUUID().toString(), revocation, v -> List.of())).isEmpty();
    }

    @Test
    void theBundleLayersGlobalAnchorsUnderTheTenantsOwnPerPlane() {
        String tenant = newTenant();
        String other = newTenant();
        TrustAnchor global = insert(anchor("GLOBAL", AnchorType.ROOT, EnumSet.of(Plane.LAPTOP, Plane.SHARED)));
        TrustAnchor own = insert(anchor(tenant, AnchorType.EXTERNAL_CA, EnumSet.of(Plane.LAPTOP)));
        TrustAnchor otherOwn = insert(anchor(other, AnchorType.EXTERNAL_CA, EnumSet.of(Plane.LAPTOP)));

        List<String> laptop = ids(anchors.bundle(tenant, Plane.LAPTOP).anchors());
        assertThat(laptop).contains(global.anchorId(), own.anchorId()).doesNotContain(otherOwn.anchorId());
        assertThat(laptop.indexOf(global.anchorId())).as("global layer first").isLessThan(laptop.indexOf(own.anchorId()));
        assertThat(laptop.get(laptop.size() - 1)).isEqualTo(own.anchorId());
        assertThat(ids(anchors.bundle(tenant, Plane.SHARED).anchors())).contains(global.anchorId())
                .doesNotContain(own.anchorId());
        assertThat(ids(anchors.bundle(tenant, Plane.TENANT).anchors())).doesNotContain(global.anchorId(), own.anchorId());
        assertThat(ids(anchors.bundle("GLOBAL", Plane.LAPTOP).anchors())).contains(global.anchorId())
                .doesNotContain(own.anchorId(), otherOwn.anchorId());
    }

    @Test
    void aBundlesVersionRisesExactlyWhenOneOfItsLayersChanges() {
        String tenant = newTenant();
        String other = newTenant();
        long laptop0 = anchors.bundle(tenant, Plane.LAPTOP).version();
        long product0 = anchors.bundle(tenant, Plane.PRODUCT).version();

        TrustAnchor own = insert(anchor(tenant, AnchorType.EXTERNAL_CA, EnumSet.of(Plane.LAPTOP)));
        long laptop1 = anchors.bundle(tenant, Plane.LAPTOP).version();
        assertThat(laptop1).isGreaterThan(laptop0).isEqualTo(own.version());
        assertThat(anchors.bundle(tenant, Plane.PRODUCT).version()).as("another plane").isEqualTo(product0);

        insert(anchor(other, AnchorType.EXTERNAL_CA, EnumSet.of(Plane.LAPTOP)));
        assertThat(anchors.bundle(tenant, Plane.LAPTOP).version()).as("another tenant's change").isEqualTo(laptop1);

        TrustAnchor global = insert(anchor("GLOBAL", AnchorType.ROOT, EnumSet.of(Plane.LAPTOP)));
        long laptop2 = anchors.bundle(tenant, Plane.LAPTOP).version();
        assertThat(laptop2).as("the global layer changed").isEqualTo(global.version()).isGreaterThan(laptop1);
        assertThat(anchors.bundle(other, Plane.LAPTOP).version()).isEqualTo(global.version());

        long removed = anchors.remove(own.anchorId(), v -> List.of()).orElseThrow();
        assertThat(anchors.bundle(tenant, Plane.LAPTOP).version()).as("a removal").isEqualTo(removed).isGreaterThan(laptop2);
        assertThat(anchors.bundle(other, Plane.LAPTOP).version()).isEqualTo(global.version());
        assertThat(anchors.bundle(newTenant(), Plane.LAPTOP).version()).as("a tenant with no anchors: the global layer")
                .isGreaterThanOrEqualTo(global.version());
    }

    @Test
    void listingFiltersByScopePlaneAndTypeAndPagesInIdOrder() {
        String tenant = newTenant();
        TrustAnchor a = insert(anchor(tenant, AnchorType.EXTERNAL_CA, EnumSet.of(Plane.LAPTOP)));
        TrustAnchor b = insert(anchor(tenant, AnchorType.ROOT, EnumSet.of(Plane.LAPTOP, Plane.TENANT)));
        TrustAnchor c = insert(anchor(tenant, AnchorType.EXTERNAL_CA, EnumSet.of(Plane.SHARED)));
        insert(anchor(newTenant(), AnchorType.EXTERNAL_CA, EnumSet.of(Plane.LAPTOP)));

        assertThat(ids(anchors.list(new AnchorFilter(tenant, null, null, null), 10)))
                .containsExactly(a.anchorId(), b.anchorId(), c.anchorId());
        assertThat(ids(anchors.list(new AnchorFilter(tenant, Plane.LAPTOP, null, null), 10)))
                .containsExactly(a.anchorId(), b.anchorId());
        assertThat(ids(anchors.list(new AnchorFilter(tenant, Plane.TENANT, null, null), 10))).containsExactly(b.anchorId());
        assertThat(ids(anchors.list(new AnchorFilter(tenant, null, AnchorType.EXTERNAL_CA, null), 10)))
                .containsExactly(a.anchorId(), c.anchorId());
        assertThat(ids(anchors.list(new AnchorFilter(tenant, null, null, a.anchorId()), 1))).containsExactly(b.anchorId());
        assertThat(anchors.list(new AnchorFilter(null, null, null, null), 1000).size()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void concurrentChangesGetGapFreeNumbers() throws Exception {
        String tenant = newTenant();
        long before = anchors.bundle(tenant, Plane.SHARED).version();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Long> versions = new ArrayList<>();
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                done.add(pool.submit(() -> anchors.insert(anchor(tenant, AnchorType.EXTERNAL_CA,
                        EnumSet.of(Plane.SHARED)), v -> List.of())));
            }
            for (Future<Long> f : done) {
                versions.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        long max = versions.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertThat(versions).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(max - 23, max).boxed().toList());
        assertThat(max - 23).isGreaterThan(before);
        TrustAnchorRepository.BundleSnapshot bundle = anchors.bundle(tenant, Plane.SHARED);
        assertThat(bundle.version()).isEqualTo(max);
        assertThat(bundle.anchors().stream().filter(x -> x.tenantId().equals(tenant))).hasSize(24);
    }

    @Test
    void aBundleReadDuringChangesIsTheBundleOfTheVersionItNames() throws Exception {
        String tenant = newTenant();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> writes = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                writes.add(pool.submit(() -> anchors.insert(anchor(tenant, AnchorType.EXTERNAL_CA,
                        EnumSet.of(Plane.PRODUCT)), v -> List.of())));
            }
            int reads = 0;
            while (writes.stream().anyMatch(f -> !f.isDone()) || reads < 5) {
                TrustAnchorRepository.BundleSnapshot snapshot = anchors.bundle(tenant, Plane.PRODUCT);
                // only additions touch this bundle here, so its version is its newest anchor's
                long newest = snapshot.anchors().stream().mapToLong(TrustAnchor::version).max().orElse(0);
                assertThat(snapshot.version()).as("read %d", reads).isEqualTo(newest);
                reads++;
            }
            for (Future<Long> f : writes) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static TrustAnchor insert(TrustAnchor a) {
        return a.withVersion(anchors.insert(a, v -> List.of()));
    }

    private static List<KmsEvent> events(TrustAnchor a, long version) {
        return List.of(new KmsEvent(UUID.randomUUID().toString(), EventType.TRUST_ANCHOR_UPDATED,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), a.tenantId(), null, null, a.anchorId(),
                Map.of("trust_anchor_id", a.anchorId(), "anchor_type", a.type().apiName(), "version", Long.toString(version))));
    }

    private static List<String> ids(List<TrustAnchor> list) {
        return list.stream().map(TrustAnchor::anchorId).toList();
    }

    private static TrustAnchor anchor(String tenant, AnchorType type, Set<Plane> planes) {
        byte[] fingerprint = new byte[32];
        RANDOM.nextBytes(fingerprint);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // UUIDv7-like ids that sort in creation order, as the service's do
        String id = new UUID((System.currentTimeMillis() << 16) | 0x7000L | SEQ.getAndIncrement() % 4096,
                RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString();
        return new TrustAnchor(id, tenant, type, planes, HexFormat.of().formatHex(fingerprint), "CN=test " + id,
                now.minusSeconds(60), now.plusSeconds(86_400), 256,
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", 0, now, "M21");
    }

    private static final java.util.concurrent.atomic.AtomicLong SEQ = new java.util.concurrent.atomic.AtomicLong();

    private static TrustAnchor copyOf(TrustAnchor a, String id, String tenant) {
        return new TrustAnchor(id, tenant, a.type(), a.planes(), a.fingerprintSha256(), a.subject(), a.notBefore(),
                a.notAfter(), a.keySizeBits(), a.certificatePem(), 0, a.createdAt(), a.createdBy());
    }

    private static String newTenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
