package com.zeroui.kms.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What start-up opened is closed last-opened first, all of it even when one part fails to close. */
class StartedResourcesTest {
    private final List<String> closed = new ArrayList<>();
    private final StartedResources started = new StartedResources();

    @Test
    void closesInReverseOrderOfRegistration() {
        started.add("storage", () -> closed.add("storage"));
        started.onClose("scheduler", () -> closed.add("scheduler"));
        AutoCloseable http = () -> closed.add("http");
        assertThat(started.add("http", http)).isSameAs(http);

        started.close();

        assertThat(closed).containsExactly("http", "scheduler", "storage");
    }

    @Test
    void aFailingCloserDoesNotStopTheOthersAndItsFailureIsThrownAfterwards() {
        started.onClose("storage", () -> closed.add("storage"));
        started.onClose("audit log", () -> {
            throw new IllegalStateException("disk full");
        });
        started.onClose("relay", () -> closed.add("relay"));
        started.onClose("http", () -> {
            throw new java.io.IOException("socket");
        });

        assertThatThrownBy(started::close)
                .hasMessageContaining("stopping http failed").hasMessageContaining("socket")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().satisfies(s -> assertThat(s)
                        .hasMessageContaining("stopping audit log failed").hasMessageContaining("disk full")));
        assertThat(closed).containsExactly("relay", "storage");
    }

    @Test
    void aFailedStartUpClosesWhatWasOpenedAndAttachesClosingFailuresToTheCause() {
        started.onClose("storage", () -> closed.add("storage"));
        started.onStop("final self-check", () -> closed.add("final self-check"));
        started.onClose("audit log", () -> {
            throw new IllegalStateException("writer stuck");
        });
        started.onClose("scheduler", () -> closed.add("scheduler"));
        RuntimeException cause = new IllegalArgumentException("bad JWKS file");

        assertThat(started.closeAfterFailure(cause)).isSameAs(cause);

        assertThat(closed).as("stop-only steps are skipped").containsExactly("scheduler", "storage");
        assertThat(cause.getSuppressed()).singleElement().satisfies(s -> assertThat(s)
                .hasMessageContaining("stopping audit log failed").hasMessageContaining("writer stuck"));
    }

    @Test
    void aStopRunsStopOnlyStepsInTheirPlace() {
        started.onClose("storage", () -> closed.add("storage"));
        started.onStop("final self-check", () -> closed.add("final self-check"));
        started.onClose("audit log", () -> closed.add("audit log"));

        started.close();

        assertThat(closed).containsExactly("audit log", "final self-check", "storage");
    }

    @Test
    void closingTwiceClosesEachPartOnce() {
        started.onClose("storage", () -> closed.add("storage"));

        started.close();
        started.close();

        assertThat(closed).containsExactly("storage");
    }
}
