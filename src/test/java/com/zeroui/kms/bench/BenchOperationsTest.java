package com.zeroui.kms.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOperationsTest {
    @Test
    void nothingRequestedMeansEveryOperation() {
        assertThat(BenchOperations.select(List.of())).isEqualTo(BenchOperations.ALL);
        assertThat(BenchOperations.select(List.of(" ", ""))).isEqualTo(BenchOperations.ALL);
    }

    @Test
    void keepsRequestedOrderWithoutDuplicates() {
        assertThat(BenchOperations.select(List.of("get-key", " SIGN-EDDSA", "get-key")))
                .containsExactly("get-key", "sign-eddsa");
    }

    @Test
    void unknownOperationIsRejectedWithTheKnownNames() {
        assertThatThrownBy(() -> BenchOperations.select(List.of("sign-eddsa", "sign-es256")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sign-es256")
                .hasMessageContaining(String.join(",", BenchOperations.ALL));
    }
}
