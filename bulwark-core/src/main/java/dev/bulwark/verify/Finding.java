package dev.bulwark.verify;

import java.util.List;

/**
 * One thing {@code verify} found wrong.
 *
 * @param check   which check
 * @param object  the object, readable ({@code public.orders}, {@code public.orders.orders_pkey})
 * @param message what is wrong, with the measured value
 * @param fix     what to do about it
 * @param count   the measured number (orphan rows, duplicate rows…), or null when not a count
 * @param sample  a few offending rows or keys as text, for data checks; else empty
 */
public record Finding(Check check, String object, String message, String fix, Long count, List<String> sample) {
    public Finding {
        sample = sample == null ? List.of() : List.copyOf(sample);
    }

    static Finding of(Check check, String object, String message, String fix) {
        return new Finding(check, object, message, fix, null, List.of());
    }
}
