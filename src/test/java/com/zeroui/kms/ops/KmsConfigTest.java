package com.zeroui.kms.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zeroui.kms.crypto.CryptoSuite;
import com.zeroui.kms.events.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.Test;

class KmsConfigTest {
    @Test
    void defaultsAreTheEmbeddedPlane() {
        KmsConfig c = KmsConfig.defaults(Path.of("kms-data"));
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8443);
        assertThat(c.databaseUrl()).startsWith("jdbc:sqlite:").endsWith("kms-data/kms.db");
        assertThat(c.maxRequestBytes()).isEqualTo(1024 * 1024);
        assertThat(c.aeadInvocationLimit()).isEqualTo(1L << 32);
        assertThat(c.rotationSchedule()).isEqualTo(Period.ofDays(90));
    }

    @Test
    void reportsEveryProblemAtOnceWithNamesAndRanges() {
        assertThatThrownBy(() -> new KmsConfig("", 70000, Path.of("d"), "jdbc:mysql://x", null, null, List.of("bad host!"),
                "UPPER", CryptoSuite.Preference.AUTO, 10, 0, 1L << 33, Period.ofDays(90), Period.ofDays(7), 0,
                Duration.ofDays(1), Duration.ZERO, java.net.URI.create("ftp://ledger"),
                new EventsConfig(java.util.Set.of(), java.net.URI.create("http://nats"), "bad stream!",
                        List.of(java.net.URI.create("ftp://hook")), Duration.ZERO),
                new LifecycleConfig(3, Duration.ZERO, true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bind address").hasMessageContaining("port 70000")
                .hasMessageContaining("database URL").hasMessageContaining("bad host!")
                .hasMessageContaining("trust domain").hasMessageContaining("max request bytes 10")
                .hasMessageContaining("key cache size").hasMessageContaining("2^32")
                .hasMessageContaining("max usage per day").hasMessageContaining("certificate lifetimes")
                .hasMessageContaining("receipt webhook URL").hasMessageContaining("NATS URL")
                .hasMessageContaining("NATS stream name").hasMessageContaining("event webhook URL")
                .hasMessageContaining("lag threshold").hasMessageContaining("destruction window 3 days")
                .hasMessageContaining("lifecycle scheduler interval");
    }

    @Test
    void eventTypesParseFromAllNoneOrAList() {
        assertThat(EventsConfig.parseTypes("all")).hasSize(EventType.values().length);
        assertThat(EventsConfig.parseTypes(" none ")).isEmpty();
        assertThat(EventsConfig.parseTypes("key_generated, key_rotated"))
                .containsExactlyInAnyOrder(EventType.KEY_GENERATED, EventType.KEY_ROTATED);
        assertThatThrownBy(() -> EventsConfig.parseTypes("key_generated,key_exploded"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key_exploded");
    }

    @Test
    void toStringRedactsTheDatabasePassword() {
        KmsConfig c = KmsConfig.defaults(Path.of("d")).withDatabase("jdbc:postgresql://h/db?password=hunter2", "u", "hunter2");
        assertThat(c.toString()).doesNotContain("hunter2");
    }
}
