package com.zeroui.kms.keystore;

import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * A logged-in connection to one PKCS#11 token through the JDK's SunPKCS11 provider. Keys generated
 * through it are sensitive and never extractable (the provider configuration says so for every
 * generated secret and private key); they become persistent token objects only when stored under a
 * label with {@link #store}.
 *
 * <p>A failure of the token itself (session lost, device error, not logged in) marks the connection
 * broken and surfaces as {@link MasterKeyUnavailableException}; the next call reconnects and logs in
 * again (at most once per second), so the service recovers by itself when the token is back.
 */
public class Pkcs11Token implements AutoCloseable {
    private static final long RECONNECT_INTERVAL_NANOS = 1_000_000_000L;
    /** Serialises calls into the token (see {@link #call}). */
    private final Object serial = new Object();
    private static final String GENERATED_KEYS_ARE_SENSITIVE = """
            attributes(generate, CKO_SECRET_KEY, *) = {
              CKA_SENSITIVE = true
              CKA_EXTRACTABLE = false
            }
            attributes(generate, CKO_PRIVATE_KEY, *) = {
              CKA_SENSITIVE = true
              CKA_EXTRACTABLE = false
            }
            """;

    private final MasterKeySettings settings;
    private final long slot;
    private final char[] pin;
    private volatile Session session;
    private volatile boolean broken;
    private volatile long lastReconnect;
    private volatile int generation;

    /** The provider and the logged-in key store of one connection. */
    public record Session(Provider provider, KeyStore keyStore) {
    }

    /** One call against the token; integrity failures (a bad tag) are thrown as they are. */
    public interface TokenCall<T> {
        T run(Session session) throws GeneralSecurityException;
    }

    protected Pkcs11Token(MasterKeySettings settings, long slot, char[] pin, Session session) {
        this.settings = settings;
        this.slot = slot;
        this.pin = pin;
        this.session = session;
    }

    /** A second handle on the same connection state (for a wrapper that injects faults a real token cannot). */
    protected Pkcs11Token(Pkcs11Token other) {
        this(other.settings, other.slot, other.pin, other.session);
    }

    /** Loads the library, finds the token and logs in; every failure names what is wrong in one line. */
    public static Pkcs11Token open(MasterKeySettings settings) throws MasterKeyException {
        if (!Files.isRegularFile(settings.pkcs11Library())) {
            throw new MasterKeyException("the PKCS#11 library " + settings.pkcs11Library()
                    + " does not exist (--pkcs11-library; SoftHSM2: apt-get install softhsm2)", null);
        }
        char[] pin = settings.readPin();
        long slot = settings.slot() != null ? settings.slot() : TokenSlots.slotOf(settings.pkcs11Library(), settings.tokenLabel());
        return new Pkcs11Token(settings, slot, pin, connect(settings, slot, pin));
    }

    private static Session connect(MasterKeySettings settings, long slot, char[] pin) throws MasterKeyException {
        Provider provider;
        try {
            String config = "--name=kms-token\nlibrary=" + settings.pkcs11Library() + "\nslot=" + slot + "\n"
                    + GENERATED_KEYS_ARE_SENSITIVE;
            provider = Security.getProvider("SunPKCS11").configure(config);
        } catch (ProviderException | IllegalArgumentException e) {
            throw new MasterKeyUnavailableException("the PKCS#11 " + settings.tokenName() + " in " + settings.pkcs11Library()
                    + " cannot be opened: " + reason(e), e);
        }
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
            keyStore.load(null, pin.clone());
            return new Session(provider, keyStore);
        } catch (IOException e) {
            String why = reason(e);
            String hint = why.contains("CKR_PIN_INCORRECT") ? "wrong PIN"
                    : why.contains("CKR_PIN_LOCKED") ? "the PIN is locked" : "login refused";
            throw new MasterKeyException("PKCS#11 login to " + settings.tokenName() + " failed: " + hint + " (" + why
                    + "); the PIN comes from " + MasterKeySettings.PIN_ENV + " or --pkcs11-pin-file", null);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new MasterKeyUnavailableException("PKCS#11 " + settings.tokenName() + " refused the login: " + reason(e), e);
        }
    }

    /** The innermost message, usually the PKCS#11 return code (CKR_...). */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.replace('\n', ' ');
    }

    /**
     * Runs {@code call} on the current session, reconnecting first when the last call found the
     * token broken. A token failure becomes {@link MasterKeyUnavailableException}; other security
     * exceptions (an authentication tag that does not match) are rethrown for the caller to judge.
     */
    public <T> T call(TokenCall<T> call) throws MasterKeyUnavailableException, GeneralSecurityException {
        Session current = usableSession();
        try {
            // one call at a time: SoftHSM2 2.6 crashed the JVM (SIGSEGV in C_GCMEncryptInit) when the health
            // self-test, requests and an object-list reload reached it concurrently
            synchronized (serial) {
                return call.run(current);
            }
        } catch (AEADBadTagException e) {
            throw e;
        } catch (ProviderException | KeyStoreException e) {
            if (DATA_REJECTED.stream().anyMatch(reason(e)::contains)) {
                throw new javax.crypto.BadPaddingException("the token rejected the data: " + reason(e));
            }
            throw markBroken(e);
        } catch (GeneralSecurityException e) {
            if (TOKEN_UNUSABLE.stream().anyMatch(reason(e)::contains)) {
                throw markBroken(e);
            }
            throw e;
        }
    }

    /** Return codes that say the data was wrong (a failed tag or signature), not the token. */
    private static final List<String> DATA_REJECTED = List.of("CKR_ENCRYPTED_DATA_INVALID", "CKR_ENCRYPTED_DATA_LEN_RANGE",
            "CKR_SIGNATURE_INVALID", "CKR_SIGNATURE_LEN_RANGE", "CKR_DATA_LEN_RANGE", "CKR_AEAD_DECRYPT_FAILED");

    /** Return codes that say the token or the session is gone: reconnect and log in again. */
    private static final List<String> TOKEN_UNUSABLE = List.of("CKR_SESSION_HANDLE_INVALID", "CKR_SESSION_CLOSED",
            "CKR_DEVICE_ERROR", "CKR_DEVICE_REMOVED", "CKR_DEVICE_MEMORY", "CKR_TOKEN_NOT_PRESENT",
            "CKR_TOKEN_NOT_RECOGNIZED", "CKR_USER_NOT_LOGGED_IN", "CKR_CRYPTOKI_NOT_INITIALIZED", "CKR_GENERAL_ERROR",
            "CKR_FUNCTION_FAILED", "CKR_SLOT_ID_INVALID", "CKR_OBJECT_HANDLE_INVALID", "CKR_KEY_HANDLE_INVALID");

    private MasterKeyUnavailableException markBroken(Exception e) {
        broken = true;
        return new MasterKeyUnavailableException("PKCS#11 " + settings.tokenName() + " is unusable: " + reason(e), e);
    }

    protected Session usableSession() throws MasterKeyUnavailableException {
        if (!broken) {
            return session;
        }
        synchronized (this) {
            if (!broken) {
                return session;
            }
            long now = System.nanoTime();
            if (now - lastReconnect < RECONNECT_INTERVAL_NANOS) {
                throw new MasterKeyUnavailableException("PKCS#11 " + settings.tokenName() + " is unusable; reconnecting", null);
            }
            lastReconnect = now;
            try {
                session = connect(settings, slot, pin);
                generation++;
                broken = false;
                return session;
            } catch (MasterKeyException e) {
                throw new MasterKeyUnavailableException("PKCS#11 " + settings.tokenName() + " is unusable: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The token object labelled {@code label} in {@code session}, or null. The JDK's key store lists
     * the token's labels once, when loaded: on a miss it is loaded again, so objects another process
     * (another node, {@code kms master-key rotate}) created since are found.
     */
    Key find(Session session, String label) throws GeneralSecurityException {
        // one lock with reload: a lookup during another thread's reload would see a half-read object list
        synchronized (session.keyStore()) {
            Key key = session.keyStore().getKey(label, null);
            if (key != null) {
                return key;
            }
            reload(session);
            return session.keyStore().getKey(label, null);
        }
    }

    private void reload(Session session) throws GeneralSecurityException {
        synchronized (session.keyStore()) {
            try {
                session.keyStore().load(null, pin.clone());
            } catch (java.io.IOException e) {
                throw new KeyStoreException("re-reading the token's objects failed: " + reason(e), e);
            }
        }
    }

    /** Changes every time the connection is replaced: key handles found before belong to the old one. */
    public int generation() {
        return generation;
    }

    /** Makes {@code key} (generated through this token) a persistent token object labelled {@code label}. */
    public void store(String label, Key key, java.security.cert.Certificate[] chain)
            throws MasterKeyUnavailableException, GeneralSecurityException {
        call(s -> {
            synchronized (s.keyStore()) {
                if (key instanceof javax.crypto.SecretKey secret) {
                    s.keyStore().setEntry(label, new KeyStore.SecretKeyEntry(secret), null);
                } else {
                    s.keyStore().setKeyEntry(label, key, null, chain);
                }
            }
            return null;
        });
    }

    /** The token object labelled {@code label}, or null. */
    public Key find(String label) throws MasterKeyUnavailableException, GeneralSecurityException {
        return call(s -> find(s, label));
    }

    /** Destroys the token objects labelled {@code label}; false when there were none. */
    public boolean destroy(String label) throws MasterKeyUnavailableException, GeneralSecurityException {
        return call(s -> {
            synchronized (s.keyStore()) {
                if (find(s, label) == null) {
                    return false;
                }
                s.keyStore().deleteEntry(label);
                return true;
            }
        });
    }

    /** Labels of the keys stored in the token. */
    public List<String> labels() throws MasterKeyUnavailableException, GeneralSecurityException {
        return call(s -> {
            reload(s);
            List<String> labels = new ArrayList<>(Collections.list(s.keyStore().aliases()));
            Collections.sort(labels);
            return labels;
        });
    }

    public String description() {
        return "pkcs11:" + settings.pkcs11Library() + " " + settings.tokenName() + " (slot " + slot + ")";
    }

    @Override
    public void close() {
        Arrays.fill(pin, '\0');
    }
}
