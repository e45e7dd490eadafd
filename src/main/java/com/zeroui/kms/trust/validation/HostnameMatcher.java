package com.zeroui.kms.trust.validation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.util.IPAddress;

/**
 * RFC 6125 server identity check. A DNS name matches a dNSName SAN exactly (case-insensitively) or a
 * wildcard whose left-most label is exactly "*" and which has at least two labels after it; the "*"
 * stands for one whole label ("*.example.com" matches "a.example.com", not "example.com" nor
 * "a.b.example.com"; "f*.example.com" matches nothing). An IP literal matches iPAddress SANs by bytes,
 * never a DNS name nor the CN. The subject CN is used only when the certificate has no
 * subjectAltName extension at all.
 */
final class HostnameMatcher {
    private HostnameMatcher() {
    }

    static boolean isIpLiteral(String host) {
        return IPAddress.isValidIPv4(host) || IPAddress.isValidIPv6(host);
    }

    /** {@code hostname} is already normalized by {@link ValidationRequest}. */
    static boolean matches(ParsedCertificate leaf, String hostname) {
        return matches(leaf, hostname, true);
    }

    /** @param cnFallback whether a certificate without subjectAltName may be matched by its CN */
    static boolean matches(ParsedCertificate leaf, String hostname, boolean cnFallback) {
        if (isIpLiteral(hostname)) {
            byte[] wanted = ipBytes(hostname);
            if (leaf.subjectAltNames == null) {
                return false;
            }
            for (GeneralName name : leaf.subjectAltNames.getNames()) {
                if (name.getTagNo() == GeneralName.iPAddress
                        && Arrays.equals(ASN1OctetString.getInstance(name.getName()).getOctets(), wanted)) {
                    return true;
                }
            }
            return false;
        }
        if (leaf.subjectAltNames == null && !cnFallback) {
            return false;
        }
        for (String presented : presentedDnsNames(leaf)) {
            if (dnsMatches(presented, hostname)) {
                return true;
            }
        }
        return false;
    }

    /** dNSName SANs, or the CNs when there is no subjectAltName extension. */
    static List<String> presentedDnsNames(ParsedCertificate leaf) {
        List<String> names = new ArrayList<>();
        if (leaf.subjectAltNames != null) {
            for (GeneralName name : leaf.subjectAltNames.getNames()) {
                if (name.getTagNo() == GeneralName.dNSName) {
                    names.add(((ASN1String) name.getName()).getString());
                }
            }
            return names;
        }
        return commonNames(leaf.subject);
    }

    static List<String> commonNames(X500Name name) {
        List<String> cns = new ArrayList<>();
        for (RDN rdn : name.getRDNs(BCStyle.CN)) {
            if (rdn.getFirst().getValue() instanceof ASN1String s) {
                cns.add(s.getString());
            }
        }
        return cns;
    }

    static boolean dnsMatches(String presented, String hostname) {
        String p = presented.toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return false;
        }
        if (!p.startsWith("*.")) {
            return !p.contains("*") && p.equals(hostname);
        }
        String suffix = p.substring(1); // ".example.com"
        if (suffix.contains("*") || suffix.chars().filter(c -> c == '.').count() < 2) {
            return false; // "*.*.example.com", "*.com"
        }
        if (!hostname.endsWith(suffix)) {
            return false;
        }
        String label = hostname.substring(0, hostname.length() - suffix.length());
        return !label.isEmpty() && !label.contains(".");
    }

    private static byte[] ipBytes(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + literal, e);
        }
    }
}
