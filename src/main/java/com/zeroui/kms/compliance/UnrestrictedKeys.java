package com.zeroui.kms.compliance;

import java.util.List;

/** Keys not yet destroyed whose policy names no allowed module: the few first by key id, at most {@code limit}. */
public interface UnrestrictedKeys {
    List<String> keyIdsWithoutAllowedModules(int limit);
}
