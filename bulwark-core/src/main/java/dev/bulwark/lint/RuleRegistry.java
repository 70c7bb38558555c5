package dev.bulwark.lint;

import dev.bulwark.lint.rules.*;

import java.util.List;
import java.util.Optional;

/** Every built-in rule, in catalogue order (docs/rules.md, a page each under docs/rules/). */
public final class RuleRegistry {
    private static final List<Rule> ALL = List.of(
            new RequireConcurrentIndexRule(), new RequireConcurrentIndexDropRule(), new ConcurrentlyInTransactionRule(),
            new RequireConcurrentReindexRule(), new PartitionedIndexRule(),
            new ConstraintNotValidRule(), new ValidateInSameTransactionRule(), new UniqueWithoutIndexRule(),
            new ExclusionConstraintRule(), new SetNotNullRule(), new BanDropNotNullRule(), new AddRequiredColumnRule(), new UniqueMayFailRule(),
            new VolatileDefaultRule(), new ColumnTypeRewriteRule(), new DropColumnRule(), new RenameRule(),
            new BreaksSubscriptionRule(),
            new PreferJsonbRule(), new PreferTimestamptzRule(), new PreferBigintRule(), new PreferIdentityRule(),
            new PreferTextRule(), new IdentifierTooLongRule(), new PreferRobustStmtsRule(),
            new DropTableRule(), new TruncateRule(), new UnboundedDmlRule(), new RewriteTableRule(),
            new DetachPartitionRule(), new RefreshMatviewRule(), new TriggerOnExistingRule(), new EnumChangeRule(),
            new RequireEnumValueOrderingRule(),
            new MissingLockTimeoutRule(), new StatementsAfterAccessExclusiveRule(), new SeveralHotTablesRule(),
            new TransactionControlRule(),
            new CascadeDeleteRule(), new CascadeChainRule(), new FkWithoutIndexRule(), new DropCascadeRule(),
            new UpdateCascadeRule(),
            new EmptyMigrationRule(), new MultipleHeadsRule(), new MissingParentRule(), new DuplicateVersionRule(),
            new VersionTooLongRule(), new OutOfOrderRule(), new MissingDownRule(), new IrreversibleDownRule(), new EditedAfterApplyRule(), new DialectMismatchRule(),
            new HardcodedCredentialsRule(),
            new UnusedSuppressionRule(), new SuppressionWithoutReasonRule(), new UnreadableStatementRule());

    private RuleRegistry() {
    }

    public static List<Rule> all() {
        return ALL;
    }

    /** A built-in rule, or analysis-error (reported by the Linter itself, not a rule one can turn off). */
    public static Optional<Rule> byId(String id) {
        if (AnalysisError.ID.equals(id)) {
            return Optional.of(AnalysisError.RULE);
        }
        return ALL.stream().filter(r -> r.id().equals(id)).findFirst();
    }
}
