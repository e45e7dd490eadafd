package com.zeroui.kms.client.model;

import java.util.List;

/** Events after a cursor, in order; pass {@code nextCursor} as {@code after} to continue. */
public record EventPage(List<EventEntry> events, String nextCursor) {}
