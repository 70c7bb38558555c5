package dev.bulwark.arch;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering of bulwark-core, checked on the compiled classes: the public API sits on top, the
 * facade ({@code dev.bulwark.Bulwark}) below it, the operations below both. With no edge from
 * the operations back into the facade or the API, no package cycle can run through either.
 */
class ApiBoundaryTest {
    private static final String API = "dev.bulwark.api";
    private static JavaClasses core;

    @BeforeAll
    static void importClasses() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.bulwark");
    }

    @Test
    void operationsNeverDependOnTheFacade() {
        noClasses().that().resideOutsideOfPackages(API, "dev.bulwark.cli..")
                .and().doNotHaveFullyQualifiedName("dev.bulwark.Bulwark")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.bulwark.Bulwark")
                .because("the facade depends on the operations, never the reverse (deploy uses DeployTarget)")
                .check(core);
    }

    @Test
    void nothingInternalDependsOnThePublicApi() {
        noClasses().that().resideOutsideOfPackage(API).and().resideOutsideOfPackage("dev.bulwark.cli..")
                .should().dependOnClassesThat().resideInAPackage(API)
                .because("the public API is a layer over the operations: an edge back would make a cycle")
                .check(core);
    }

    @Test
    void theDeployPackageAndTheFacadeAreNotInACycle() {
        // the cycle issue 14 names: Bulwark -> deploy.Deployer/Preflight -> Bulwark
        noClasses().that().resideInAPackage("dev.bulwark.deploy..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.bulwark.Bulwark")
                .check(core);
        assertThat(core.get("dev.bulwark.Bulwark").getDirectDependenciesFromSelf())
                .anyMatch(d -> d.getTargetClass().getPackageName().equals("dev.bulwark.deploy"));
    }

    @Test
    void theBackfillPackageDoesNotReachIntoTheEngine() {
        // execute runs backfill steps (Step, StepPlanner, Migrator); the backfiller shares only
        // the pieces below both (dev.bulwark.Backoff, dev.bulwark.Listener), so no cycle runs through the two
        noClasses().that().resideInAPackage("dev.bulwark.backfill..")
                .should().dependOnClassesThat().resideInAPackage("dev.bulwark.execute..")
                .check(core);
        assertThat(core.get("dev.bulwark.execute.StepPlanner").getDirectDependenciesFromSelf())
                .anyMatch(d -> d.getTargetClass().getPackageName().equals("dev.bulwark.backfill"));
    }

    @Test
    void onlyTheEmbeddedHandleReachesTheOptionalEmbeddedModule() {
        // bulwark-embedded is optional: dev.bulwark.pg.Embedded checks it is on the class path before
        // touching it and turns its exceptions into BulwarkException; a direct use elsewhere would bring
        // back the NoClassDefFoundError for library users without it
        noClasses().that().resideOutsideOfPackage("dev.bulwark.embedded..")
                .and().doNotHaveFullyQualifiedName("dev.bulwark.pg.Embedded")
                .should().dependOnClassesThat().resideInAPackage("dev.bulwark.embedded..")
                .check(core);
        assertThat(core.get("dev.bulwark.pg.Embedded").getDirectDependenciesFromSelf())
                .anyMatch(d -> d.getTargetClass().getName().equals("dev.bulwark.embedded.EmbeddedServer"));
    }

    @Test
    void theApiSignaturesExposeNoInternalType() {
        members().that().areDeclaredInClassesThat().resideInAPackage(API)
                .and().areDeclaredInClassesThat().arePublic()
                .and().arePublic()
                .should(exposeNoInternalType())
                .check(core);
        classes().that().resideInAPackage(API).and().arePublic()
                .should(new ArchCondition<>("extend or implement no internal type") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        Set<JavaClass> supers = new LinkedHashSet<>(c.getRawInterfaces());
                        c.getRawSuperclass().ifPresent(supers::add);
                        supers.stream().filter(ApiBoundaryTest::internal).forEach(s ->
                                events.add(SimpleConditionEvent.violated(c, c.getName() + " extends " + s.getName())));
                    }
                })
                .check(core);
    }

    @Test
    void theSignatureRuleCatchesAnInternalTypeWhereThereIsOne() {
        // The CLI's facade exposes internal types by design; the rule must see them, or it proves nothing.
        EvaluationResult r = members().that().areDeclaredIn("dev.bulwark.Bulwark").and().arePublic()
                .should(exposeNoInternalType()).evaluate(core);
        assertThat(r.hasViolation()).isTrue();
        assertThat(r.getFailureReport().getDetails()).anyMatch(d -> d.contains("dev.bulwark.plan.MigrationStatus"));
    }

    private static ArchCondition<JavaMember> exposeNoInternalType() {
        return new ArchCondition<>("expose no type of an internal dev.bulwark package in its signature") {
            @Override
            public void check(JavaMember member, ConditionEvents events) {
                Set<JavaClass> involved = new LinkedHashSet<>();
                if (member instanceof JavaField f) {
                    involved.addAll(f.getType().getAllInvolvedRawTypes());
                } else if (member instanceof JavaCodeUnit u) {
                    involved.addAll(u.getReturnType().getAllInvolvedRawTypes());
                    u.getParameterTypes().forEach(t -> involved.addAll(t.getAllInvolvedRawTypes()));
                    u.getThrowsClause().getTypes().forEach(involved::add);
                }
                if (member.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                    return;
                }
                involved.stream().filter(ApiBoundaryTest::internal).forEach(t -> events.add(SimpleConditionEvent.violated(member,
                        member.getFullName() + " exposes " + t.getName())));
            }
        };
    }

    private static boolean internal(JavaClass c) {
        JavaClass base = c.isArray() ? c.getBaseComponentType() : c;
        String p = base.getPackageName();
        return (p.equals("dev.bulwark") || p.startsWith("dev.bulwark.")) && !p.equals(API);
    }
}
