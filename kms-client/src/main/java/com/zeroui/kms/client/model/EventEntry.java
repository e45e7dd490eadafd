package com.zeroui.kms.client.model;

import java.util.Map;

/** One event with the cursor just after it. */
public record EventEntry(String cursor, Map<String, Object> event) {}
