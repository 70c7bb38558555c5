package dev.bulwark.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What each format carries: the same report, graphs drawn, never a password, nothing fetched. */
class AuditRenderTest {
    private static final AuditReport ALEMBIC = AuditExamplesTest.audit("examples/alembic-bot");
    private static final List<String> PASSWORDS = List.of("change_me", "hunter2", "Sup3rSecret");

    @Test
    void markdownDrawsTheChainAndTheCascadesAsMermaidWithEveryEdge() {
        String md = AuditFormat.MARKDOWN.render(ALEMBIC);
        assertThat(md).contains("## Executive summary", "## Risk matrix", "## Migration chain", "## Rollback coverage", "## Findings",
                "## Cascade chains and blast radius", "## Data criticality", "## Configuration", "## Action plan", "### Now",
                "### This week", "### This month");
        List<String> blocks = mermaid(md);
        assertThat(blocks).hasSize(2);
        // chain: node ids are m<i>; resolve them to labels and compare edges
        assertThat(edges(blocks.get(0))).containsExactlyInAnyOrder("0001 initial schema -> 0002 seed plans",
                "0002 seed plans -> 0003 payment system", "0003 payment system -> 0004 indexes for the scheduler",
                "0004 indexes for the scheduler -> 0005_analytics_fusion analytics fusion optimizations (written on a parallel branch) (head)",
                "0004 indexes for the scheduler -> 0005_bot_ui_alerts bot ui alerts (head)");
        assertThat(blocks.get(0)).contains("performance_optimization_indexes.py — empty").contains("class m1 broken;");
        assertThat(edges(blocks.get(1))).containsExactlyInAnyOrder("users -> channels", "users -> payments", "users -> subscriptions",
                "channels -> scheduled_posts", "plans -> users", "plans -> subscriptions");
        assertThat(blocks.get(1)).contains("==>|CASCADE|").contains("-.->|NO ACTION|");
        PASSWORDS.forEach(p -> assertThat(md).doesNotContain(p));
    }

    @Test
    void htmlIsSelfContainedWithInlineSvgAndNoScriptOrRemoteResource() {
        String html = AuditFormat.HTML.render(ALEMBIC);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").contains("</html>");
        assertThat(html).doesNotContain("<script").doesNotContain("<link").doesNotContain("@import").doesNotContain("url(http")
                .doesNotContain("src=\"http");
        // two inline graphs: the chain and the cascades, with a path per edge
        assertThat(html.split("<svg class=\"graph\"", -1)).hasSize(3);
        assertThat(count(html, "class=\"edge chain\"")).isEqualTo(5);
        assertThat(count(html, "class=\"edge cascade\"")).isEqualTo(4);
        assertThat(count(html, "class=\"edge restrict\"")).isEqualTo(2);
        assertThat(html).contains("<details class=\"finding risk-critical\" open id=\"A1\">");
        PASSWORDS.forEach(p -> assertThat(html).doesNotContain(p));
    }

    @Test
    void jsonCarriesEverySectionForMachines() throws Exception {
        JsonNode j = new ObjectMapper().readTree(AuditFormat.JSON.render(ALEMBIC));
        assertThat(j.get("summary").get("overall").asText()).isEqualTo("CRITICAL");
        assertThat(j.get("chain").get("heads")).hasSize(2);
        assertThat(j.get("rollback").get("percent").asInt()).isEqualTo(83);
        // 23 before downs were linted (lint-perf's 20, plus prefer-robust-stmts at 0004:12, 0003:10's wait for SHARE ROW
        // EXCLUSIVE on users, and 0001's data-losing-down), and 6 in the downs: lint-perf's 5 (several-hot-tables now
        // at 0003:32) plus prefer-robust-stmts on the DROP INDEX CONCURRENTLY in 0004's downgrade()
        assertThat(j.get("issues")).hasSize(29);
        assertThat(j.get("issues").get(0).get("id").asText()).isEqualTo("A1");
        assertThat(j.get("cascades").get("edges")).hasSize(6);
        assertThat(j.get("actions").get(0).get("horizon").asText()).isEqualTo("NOW");
        assertThat(j.get("configuration").get("credentials").get(0).get("masked").asText()).contains("***");
        PASSWORDS.forEach(p -> assertThat(j.toString()).doesNotContain(p));
    }

    @Test
    void everyFormatOfEverySampleKeepsItsPasswordsOut() {
        for (String p : List.of("examples/prisma-blog", "examples/flyway-payments", "examples/shop")) {
            AuditReport r = AuditExamplesTest.audit(p);
            for (AuditFormat f : AuditFormat.values()) {
                String out = f.render(r);
                PASSWORDS.forEach(pw -> assertThat(out).as(p + " " + f).doesNotContain(pw));
            }
        }
    }

    private static List<String> mermaid(String md) {
        Matcher m = Pattern.compile("```mermaid\\n(.*?)```", Pattern.DOTALL).matcher(md);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static List<String> edges(String block) {
        java.util.Map<String, String> labels = new java.util.HashMap<>();
        Matcher n = Pattern.compile("(?m)^\\s+(\\w+)\\[\"(.*)\"\\]$").matcher(block);
        while (n.find()) {
            labels.put(n.group(1), n.group(2));
        }
        Matcher e = Pattern.compile("(?m)^\\s+(\\w+) (?:-->|==>\\|[^|]*\\||-\\.->\\|[^|]*\\|) (\\w+)$").matcher(block);
        List<String> out = new java.util.ArrayList<>();
        while (e.find()) {
            out.add(labels.get(e.group(1)) + " -> " + labels.get(e.group(2)));
        }
        return out;
    }

    private static int count(String s, String what) {
        return s.split(Pattern.quote(what), -1).length - 1;
    }
}
