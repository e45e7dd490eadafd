package com.zeroui.kms.trust.validation;

import static com.zeroui.kms.trust.validation.Chains.assertFails;
import static com.zeroui.kms.trust.validation.Chains.assertOk;
import static com.zeroui.kms.trust.validation.Chains.validate;
import static com.zeroui.kms.trust.validation.TestPki.NOW;
import static com.zeroui.kms.trust.validation.TestPki.cert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zeroui.kms.trust.validation.TestPki.Issued;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

/** Building paths out of unordered, redundant, cross-signed and hostile bags of intermediates. */
class PathBuildingTest {
    private final Issued root = TestPki.root("Root");

    @Test
    void intermediatesMayComeInAnyOrderWithStrangersAmongThem() {
        Issued a = TestPki.intermediate("A", root);
        Issued b = cert("CN=B,O=Test").issuer(a).ca().build();
        Issued c = cert("CN=C,O=Test").issuer(b).ca().build();
        Issued leaf = TestPki.leaf("a.example", c);
        List<Issued> bag = new ArrayList<>(List.of(a, b, c, TestPki.root("Stranger"), TestPki.intermediate("X", root)));
        Collections.shuffle(bag, new Random(7));
        ValidationResult result = validate(leaf, bag, root);
        assertOk(result);
        assertThat(result.pathSubjects()).containsExactly("CN=a.example", "O=Test,CN=C", "O=Test,CN=B", "O=Test,CN=A",
                "O=Test,CN=Root");
    }

    @Test
    void aRootInsideThePresentedChainIsHarmless() {
        Issued ca = TestPki.intermediate("CA", root);
        assertOk(validate(TestPki.leaf("a.example", ca), List.of(ca, root), root));
    }

    @Test
    void crossSignedIntermediatesReachWhicheverRootIsTrusted() {
        Issued newRoot = TestPki.root("New Root");
        Issued oldRoot = TestPki.root("Old Root");
        // New Root's key, certified by Old Root: the cross certificate
        Issued cross = cert("CN=New Root,O=Test").issuer(oldRoot).ca().keys(newRoot.keys()).build();
        Issued ca = TestPki.intermediate("CA", newRoot);
        Issued leaf = TestPki.leaf("a.example", ca);
        ValidationResult viaNew = validate(leaf, List.of(ca, cross), newRoot);
        assertOk(viaNew);
        assertThat(viaNew.path()).hasSize(3);
        ValidationResult viaOld = validate(leaf, List.of(ca, cross), oldRoot);
        assertOk(viaOld);
        assertThat(viaOld.pathSubjects()).containsExactly("CN=a.example", "O=Test,CN=CA", "O=Test,CN=New Root",
                "O=Test,CN=Old Root");
    }

    @Test
    void mutuallyCrossSignedCasDoNotLoop() {
        KeyPair ka = TestPki.ec();
        KeyPair kb = TestPki.ec();
        X500Name a = new X500Name("CN=A,O=Loop");
        X500Name b = new X500Name("CN=B,O=Loop");
        Issued aByB = cert("CN=A,O=Loop").signedBy(b, kb).keys(ka).ca().akiKeyId(TestPki.keyId(kb.getPublic())).build();
        Issued bByA = cert("CN=B,O=Loop").signedBy(a, ka).keys(kb).ca().akiKeyId(TestPki.keyId(ka.getPublic())).build();
        Issued leaf = cert("CN=leaf").signedBy(a, ka).leaf().akiKeyId(TestPki.keyId(ka.getPublic())).build();
        ValidationResult result = validate(leaf, List.of(aByB, bByA), root);
        assertFails(result, ReasonCode.PATH_NOT_FOUND);
    }

    @Test
    void aMissingIntermediateIsPathNotFoundAndAForeignRootIsUntrusted() {
        Issued ca = TestPki.intermediate("CA", root);
        Issued leaf = TestPki.leaf("a.example", ca);
        ValidationResult missing = validate(leaf, List.of(), root);
        assertFails(missing, ReasonCode.PATH_NOT_FOUND, 0);
        assertThat(missing.detail()).contains("CN=CA");

        Issued foreignRoot = TestPki.root("Foreign");
        Issued foreignCa = TestPki.intermediate("Foreign CA", foreignRoot);
        ValidationResult foreign = validate(TestPki.leaf("a.example", foreignCa), List.of(foreignCa, foreignRoot), root);
        assertFails(foreign, ReasonCode.UNTRUSTED_ROOT, 2);
        assertThat(foreign.path()).hasSize(3);

        Issued selfSignedLeaf = cert("CN=self.example").leaf().dns("self.example").build();
        assertFails(validate(selfSignedLeaf, List.of(), root), ReasonCode.UNTRUSTED_ROOT, 0);
    }

    @Test
    void aSameNamedImpostorDoesNotHideTheRealIssuer() {
        Issued ca = TestPki.intermediate("CA", root);
        Issued impostor = cert("CN=CA,O=Test").issuer(root).ca().build(); // same name, other key
        Issued leaf = TestPki.leaf("a.example", ca);
        assertOk(validate(leaf, List.of(impostor, ca), root));
        assertOk(validate(leaf, List.of(ca, impostor), root));
    }

    @Test
    void aCurrentIssuerIsPreferredToAnExpiredOneWithTheSameKey() {
        KeyPair caKeys = TestPki.ec();
        Issued expired = cert("CN=CA,O=Test").issuer(root).ca().keys(caKeys)
                .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(10))).build();
        Issued renewed = cert("CN=CA,O=Test").issuer(root).ca().keys(caKeys).build();
        Issued leaf = TestPki.leaf("a.example", renewed);
        assertOk(validate(leaf, List.of(expired, renewed), root));
        // with only the expired one, its failure is what is reported
        assertFails(validate(leaf, List.of(expired), root), ReasonCode.EXPIRED, 1);
    }

    @Test
    void theSearchStopsAtTheDepthBound() {
        List<Issued> ladder = new ArrayList<>();
        Issued parent = root;
        for (int i = 0; i < 12; i++) {
            parent = cert("CN=Level " + i + ",O=Test").issuer(parent).ca().build();
            ladder.add(parent);
        }
        Issued leaf = TestPki.leaf("deep.example", parent);
        ValidationResult tooDeep = validate(leaf, ladder, root);
        assertFails(tooDeep, ReasonCode.PATH_NOT_FOUND);
        assertThat(tooDeep.detail()).contains("bounds");
        ChainValidator generous = new ChainValidator(Clock.systemUTC(), new PathBuildingLimits(20, 32, 1024), new CrlCache());
        assertOk(generous.validate(Chains.request(leaf, ladder, root).build()));
    }

    @Test
    void aHostileMeshOfCrossCertificatesCostsABoundedSearch() {
        // five CAs sharing one name-graph where each has certified every other with several keys
        int n = 5;
        KeyPair[] keys = new KeyPair[n];
        X500Name[] names = new X500Name[n];
        for (int i = 0; i < n; i++) {
            keys[i] = TestPki.ec();
            names[i] = new X500Name("CN=Mesh " + i + ",O=Test");
        }
        List<Issued> mesh = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    mesh.add(cert("CN=Mesh " + i + ",O=Test").signedBy(names[j], keys[j]).keys(keys[i]).ca()
                            .akiKeyId(TestPki.keyId(keys[j].getPublic())).build());
                }
            }
        }
        Issued leaf = cert("CN=leaf").signedBy(names[0], keys[0]).leaf().akiKeyId(TestPki.keyId(keys[0].getPublic())).build();
        ChainValidator tight = new ChainValidator(Clock.systemUTC(), new PathBuildingLimits(10, 32, 200), new CrlCache());
        ValidationResult result = tight.validate(Chains.request(leaf, mesh, root).build());
        assertFails(result, ReasonCode.PATH_NOT_FOUND);
        assertThat(result.detail()).contains("bounds");
    }

    @Test
    void theFirstCandidatesFailureIsReportedWhenNoPathPasses() {
        Issued ca = cert("CN=CA,O=Test").issuer(root).ca().build();
        Issued leaf = cert("CN=a").issuer(ca).leaf().corruptSignature().build();
        ValidationResult result = validate(leaf, List.of(ca), root);
        assertFails(result, ReasonCode.BAD_SIGNATURE, 0);
        assertThat(result.pathSubjects()).hasSize(3);
    }
}
