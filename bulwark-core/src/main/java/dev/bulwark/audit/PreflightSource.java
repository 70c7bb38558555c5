package dev.bulwark.audit;

import java.util.List;

/**
 * Where the audit gets preflight results for a live database ({@code --url}). The preflight
 * checks themselves belong to {@code bulwark check}; the audit only reports what they return,
 * so a build without them passes {@link #NONE} and the report has no preflight section.
 */
@FunctionalInterface
public interface PreflightSource {
    PreflightSource NONE = () -> List.of();

    List<AuditReport.PreflightItem> run();
}
