package com.zeroui.kms.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

/**
 * How a signature algorithm's signatures look on the wire compared with what the JCA provider
 * produces and takes. Most are the same bytes ({@link #AS_PROVIDED}). ECDSA differs: providers speak
 * the DER {@code SEQUENCE {r, s}} of X9.62/RFC 3279, JOSE (RFC 7518 §3.4) the fixed-length {@code r‖s}
 * of IEEE P1363. Every provider suite signs DER ({@code SHA256withECDSA}): the Bouncy Castle FIPS
 * module offers no P1363 form, so converting here is what lets one algorithm serve every suite and
 * the PKCS#11 token alike.
 */
public interface SignatureEncoding {
    /** The wire form of a signature the provider made. */
    byte[] toWire(byte[] providerSignature);

    /**
     * The provider's form of a wire signature of the algorithm's exact length; a signature that has
     * none (cannot verify) may come back as any bytes the provider will reject.
     */
    byte[] toProvider(byte[] wireSignature);

    /** The provider's bytes are the wire bytes. */
    SignatureEncoding AS_PROVIDED = new SignatureEncoding() {
        @Override
        public byte[] toWire(byte[] providerSignature) {
            return providerSignature;
        }

        @Override
        public byte[] toProvider(byte[] wireSignature) {
            return wireSignature;
        }
    };

    /** {@code r‖s}, each unsigned big-endian and left-padded to {@code fieldBytes} (32 for P-256). */
    static SignatureEncoding p1363(int fieldBytes) {
        return new SignatureEncoding() {
            @Override
            public byte[] toWire(byte[] der) {
                ASN1Sequence seq;
                try {
                    seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IllegalStateException("the provider's ECDSA signature is not DER", e);
                }
                if (seq.size() != 2) {
                    throw new IllegalStateException("the provider's ECDSA signature is not SEQUENCE {r, s}");
                }
                byte[] out = new byte[2 * fieldBytes];
                put(ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue(), out, 0);
                put(ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue(), out, fieldBytes);
                return out;
            }

            private void put(BigInteger value, byte[] out, int offset) {
                byte[] bytes = value.toByteArray(); // big-endian, with a leading 0 when the top bit is set
                int start = bytes.length > fieldBytes ? bytes.length - fieldBytes : 0;
                if (value.signum() < 0 || value.bitLength() > 8 * fieldBytes) {
                    throw new IllegalStateException("the provider's ECDSA signature has an out-of-range integer");
                }
                System.arraycopy(bytes, start, out, offset + fieldBytes - (bytes.length - start), bytes.length - start);
            }

            @Override
            public byte[] toProvider(byte[] wire) {
                if (wire.length != 2 * fieldBytes) {
                    throw new IllegalArgumentException("an r‖s signature has " + 2 * fieldBytes + " bytes");
                }
                BigInteger r = new BigInteger(1, Arrays.copyOfRange(wire, 0, fieldBytes));
                BigInteger s = new BigInteger(1, Arrays.copyOfRange(wire, fieldBytes, wire.length));
                try {
                    // r or s of 0 or ≥ n encodes fine and is then refused by the provider's range check
                    return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)}).getEncoded(ASN1Encoding.DER);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }
}
