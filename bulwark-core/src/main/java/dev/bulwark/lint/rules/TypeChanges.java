package dev.bulwark.lint.rules;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which ALTER COLUMN TYPE changes PostgreSQL makes without rewriting the table. */
public final class TypeChanges {
    private static final Pattern LIMITED = Pattern.compile("(varchar|char|bit varying|varbit)\\((\\d+)\\)");
    private static final Pattern NUMERIC = Pattern.compile("numeric\\((\\d+)(?:,\\s*(\\d+))?\\)");

    private TypeChanges() {
    }

    public static boolean binaryCoercible(String from, String to) {
        if (from.equals(to)) {
            return true;
        }
        if (to.equals("text") || to.equals("varchar")) {
            return from.equals("text") || from.equals("varchar") || from.startsWith("varchar(");
        }
        Matcher f = LIMITED.matcher(from);
        Matcher t = LIMITED.matcher(to);
        if (t.matches() && t.group(1).equals("varchar")) {
            return f.matches() && f.group(1).equals("varchar") && Integer.parseInt(t.group(2)) >= Integer.parseInt(f.group(2));
        }
        if (from.equals("cidr") && to.equals("inet")) {
            return true;
        }
        if (to.equals("numeric")) {
            return from.startsWith("numeric");
        }
        Matcher nf = NUMERIC.matcher(from);
        Matcher nt = NUMERIC.matcher(to);
        if (nf.matches() && nt.matches()) {
            int sf = nf.group(2) == null ? 0 : Integer.parseInt(nf.group(2));
            int st = nt.group(2) == null ? 0 : Integer.parseInt(nt.group(2));
            return sf == st && Integer.parseInt(nt.group(1)) >= Integer.parseInt(nf.group(1));
        }
        return false;
    }
}
