package com.zeroui.kms.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zeroui.kms.audit.MerkleTree;
import com.zeroui.kms.support.KmsClient;
import com.zeroui.kms.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Keys and traffic on a service before a disaster, and the checks that a restored service does
 * everything it did: the same keys sign, verify and decrypt, and its audit log extends the head
 * seen before the disaster.
 */
final class RestoredService {
    static final String T = "tenant-dr";
    static final byte[] DATA = "signed before the disaster".getBytes(StandardCharsets.UTF_8);
    static final byte[] PLAINTEXT = "encrypted before the disaster".getBytes(StandardCharsets.UTF_8);
    static final byte[] AAD = "dr-aad".getBytes(StandardCharsets.UTF_8);

    String ed;
    String rsa;
    String aes;
    String edSignature;
    String rsaSignature;
    KmsClient.Response sealed;
    /** The signed tree head a monitor held before the disaster. */
    JsonNode trustedHead;

    /** Creates keys and uses them; returns the state to check after the restore. */
    static RestoredService makeTraffic(TestNode node) {
        RestoredService s = new RestoredService();
        KmsClient m = node.client("M21", T);
        s.ed = created(m.createKey(T, "Ed25519", "sign", "verify"));
        s.rsa = created(m.createKey(T, "RSA-2048", "sign", "verify"));
        s.aes = created(m.createKey(T, "AES-256", "encrypt", "decrypt"));
        s.edSignature = ok(m.sign(T, s.ed, DATA, null)).text("signature");
        s.rsaSignature = ok(m.sign(T, s.rsa, DATA, "PS256")).text("signature");
        s.sealed = ok(m.encrypt(T, s.aes, PLAINTEXT, AAD, null));
        for (int i = 0; i < 20; i++) {
            ok(m.sign(T, s.ed, new byte[] {(byte) i}, null));
        }
        s.trustedHead = ok(m.get("/audit/tree-head")).json();
        return s;
    }

    /** The restored node does all of it again, and its log continues the trusted head. */
    void checkOn(TestNode restored) {
        KmsClient m = restored.client("M21", T);
        assertThat(m.get("/keys").json().get("keys").findValuesAsText("key_id")).contains(ed, rsa, aes);
        assertThat(ok(m.verify(T, ed, DATA, edSignature, null)).json().get("valid").asBoolean()).isTrue();
        assertThat(ok(m.verify(T, rsa, DATA, rsaSignature, "PS256")).json().get("valid").asBoolean()).isTrue();
        KmsClient.Response opened = ok(m.decrypt(T, aes, sealed.text("ciphertext"), sealed.text("iv"), AAD, null));
        assertThat(Base64.getDecoder().decode(opened.text("plaintext"))).isEqualTo(PLAINTEXT);
        String fresh = ok(m.sign(T, ed, "after".getBytes(StandardCharsets.UTF_8), null)).text("signature");
        assertThat(ok(m.verify(T, ed, "after".getBytes(StandardCharsets.UTF_8), fresh, null)).json().get("valid").asBoolean())
                .isTrue();
        created(m.createKey(T, "Ed25519", "sign"));

        JsonNode head = ok(m.get("/audit/tree-head")).json();
        long before = trustedHead.get("tree_size").asLong();
        long after = head.get("tree_size").asLong();
        assertThat(after).as("the restored log grew from the restored head").isGreaterThan(before);
        JsonNode proof = ok(m.get("/audit/consistency?first=" + before + "&second=" + after)).json();
        List<byte[]> hashes = new ArrayList<>();
        proof.get("hashes").forEach(h -> hashes.add(HexFormat.of().parseHex(h.asText())));
        assertThat(MerkleTree.verifyConsistency(before, after, HexFormat.of().parseHex(trustedHead.get("root_hash").asText()),
                HexFormat.of().parseHex(head.get("root_hash").asText()), hashes))
                .as("the restored log extends the head taken before the disaster").isTrue();
    }

    static String created(KmsClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.text("key_id");
    }

    static KmsClient.Response ok(KmsClient.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }
}
