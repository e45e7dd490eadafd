package com.zeroui.kms.keystore;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the slot that holds the token with a given label. The JDK's SunPKCS11 configuration knows
 * slots but not labels, so this asks the module itself through the JDK's PKCS#11 wrapper (the
 * package {@code sun.security.pkcs11.wrapper}, exported to this code by the jar's {@code Add-Exports}
 * manifest entry, or by {@code --add-exports} on a plain class path).
 */
final class TokenSlots {
    private static final String WRAPPER = "sun.security.pkcs11.wrapper.PKCS11";

    private TokenSlots() {
    }

    record Token(long slot, String label) {
    }

    static List<Token> present(Path library) throws MasterKeyException {
        try {
            Class<?> wrapper = Class.forName(WRAPPER);
            Class<?> initArgs = Class.forName("sun.security.pkcs11.wrapper.CK_C_INITIALIZE_ARGS");
            Method getInstance = wrapper.getMethod("getInstance", String.class, String.class, initArgs, boolean.class);
            Object module = getInstance.invoke(null, library.toString(), "C_GetFunctionList", null, false);
            long[] slots = (long[]) wrapper.getMethod("C_GetSlotList", boolean.class).invoke(module, true);
            Method tokenInfo = wrapper.getMethod("C_GetTokenInfo", long.class);
            List<Token> tokens = new ArrayList<>();
            for (long slot : slots) {
                Object info = tokenInfo.invoke(module, slot);
                char[] label = (char[]) info.getClass().getField("label").get(info);
                tokens.add(new Token(slot, new String(label).trim()));
            }
            return tokens;
        } catch (InvocationTargetException e) {
            throw new MasterKeyException("the PKCS#11 library " + library + " cannot be loaded or listed: "
                    + Pkcs11Token.reason(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new MasterKeyException("cannot list PKCS#11 tokens by label (" + e.getClass().getSimpleName()
                    + "): run the shipped jar, or add --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper="
                    + "ALL-UNNAMED, or name the token with --pkcs11-slot", e);
        }
    }

    /** The slot of the token labelled {@code label}; refuses a missing or ambiguous label, naming what exists. */
    static long slotOf(Path library, String label) throws MasterKeyException {
        List<Token> tokens = present(library);
        List<Token> matching = tokens.stream().filter(t -> t.label().equals(label)).toList();
        if (matching.size() == 1) {
            return matching.get(0).slot();
        }
        List<String> labels = tokens.stream().map(Token::label).filter(l -> !l.isEmpty()).map(l -> "'" + l + "'").toList();
        if (matching.isEmpty()) {
            throw new MasterKeyException("no PKCS#11 token labelled '" + label + "' in " + library + " (tokens present: "
                    + (labels.isEmpty() ? "none" : String.join(", ", labels)) + ")", null);
        }
        throw new MasterKeyException(matching.size() + " PKCS#11 tokens are labelled '" + label + "' in " + library
                + "; name one with --pkcs11-slot", null);
    }
}
