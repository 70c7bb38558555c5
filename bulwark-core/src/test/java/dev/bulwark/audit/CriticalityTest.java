package dev.bulwark.audit;

import dev.bulwark.lint.LintOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CriticalityTest {
    private static Criticality.Kind of(String t) {
        return Criticality.of(t, LintOptions.DEFAULT_PROTECTED);
    }

    @Test
    void theLastWordOfTheNameSaysWhatARowIs() {
        assertThat(of("payment_methods")).isEqualTo(Criticality.FINANCIAL);
        assertThat(of("User")).isEqualTo(Criticality.ACCOUNTS);
        assertThat(of("scheduled_posts")).isEqualTo(Criticality.CONTENT);
        assertThat(of("ScheduledPosts")).isEqualTo(Criticality.CONTENT);
        assertThat(of("user_sessions")).isEqualTo(Criticality.LOGS);
        assertThat(of("webhook_events")).isEqualTo(Criticality.LOGS);
        assertThat(of("plans")).isEqualTo(Criticality.REFERENCE);
        assertThat(of("widgets")).isEqualTo(Criticality.OTHER);
    }

    @Test
    void protectedTablesAreAlwaysFinancial() {
        assertThat(Criticality.of("widgets", List.of("widgets"))).isEqualTo(Criticality.FINANCIAL);
    }
}
