package dev.bulwark.audit;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SvgGraphTest {
    @Test
    void aChildIsDrawnRightOfEveryParentAndACycleStillRenders() {
        SvgGraph g = new SvgGraph();
        g.node("a", "a", null, "ok");
        g.node("b", "b", null, "ok");
        g.node("c", "c", null, "ok");
        g.edge("a", "b", null, "chain");
        g.edge("b", "c", "CASCADE", "cascade");
        g.edge("a", "c", null, "chain");
        g.edge("c", "a", null, "restrict"); // closes a cycle
        String svg = g.render("t");
        assertThat(x(svg, "a")).isLessThan(x(svg, "b"));
        assertThat(x(svg, "b")).isLessThan(x(svg, "c")); // longest path: c after b, not beside it
        assertThat(svg).contains("<path class=\"edge restrict\"").contains(">CASCADE</text>");
    }

    @Test
    void labelsAreEscaped() {
        SvgGraph g = new SvgGraph();
        g.node("x", "a<b&\"c\"", null, "ok");
        assertThat(g.render("<t>")).contains("a&lt;b&amp;&quot;c&quot;").contains("<title>&lt;t&gt;</title>");
    }

    private static int x(String svg, String label) {
        Matcher m = Pattern.compile("<rect x=\"(\\d+)\"[^>]*/><text class=\"label\"[^>]*>" + label + "</text>").matcher(svg);
        assertThat(m.find()).as("node " + label).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
