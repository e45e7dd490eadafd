package com.zeroui.kms.backup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The keys a backup can only name: those held in an HSM token. A backup lists them from its
 * snapshot; a restore asks the token which of them it no longer holds.
 */
public interface TokenKeys {

    /** The token-held keys recorded in the snapshot {@code connection} reads. */
    List<TokenKeyReference> referencedIn(Connection connection) throws SQLException;

    /** Those of {@code references} the token does not hold (all of them when no token is configured). */
    List<TokenKeyReference> missingFrom(List<TokenKeyReference> references);

    /** A store with no token-held keys. */
    static TokenKeys none() {
        return new TokenKeys() {
            @Override
            public List<TokenKeyReference> referencedIn(Connection connection) {
                return List.of();
            }

            @Override
            public List<TokenKeyReference> missingFrom(List<TokenKeyReference> references) {
                return List.copyOf(references);
            }
        };
    }
}
