package com.zeroui.kms;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package rules from the architecture: HTTP stays in api, wiring in app and cli. */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.zeroui.kms");

    @Test
    void domainPackagesNeverImportApi() {
        noClasses().that().resideOutsideOfPackages("..api..", "..app..", "..cli..")
                .should().dependOnClassesThat().resideInAPackage("com.zeroui.kms.api..")
                .check(MAIN);
    }

    @Test
    void onlyApiTouchesJavalin() {
        noClasses().that().resideOutsideOfPackages("..api..")
                .should().dependOnClassesThat().resideInAPackage("io.javalin..")
                .check(MAIN);
    }

    @Test
    void domainPackagesDoNotReachIntoStorageOrWiring() {
        noClasses().that().resideInAnyPackage("..keys..", "..crypto..", "..auth..", "..keystore..", "..trust..", "..events..")
                .should().dependOnClassesThat().resideInAnyPackage("com.zeroui.kms.store..", "com.zeroui.kms.app..",
                        "com.zeroui.kms.cli..")
                .check(MAIN);
    }

    /** The load generator is a tool: the service never depends on it (latency percentiles live in stats). */
    @Test
    void onlyTheBenchToolAndItsCommandDependOnBench() {
        noClasses().that().resideOutsideOfPackages("com.zeroui.kms.bench..", "com.zeroui.kms.cli..")
                .should().dependOnClassesThat().resideInAPackage("com.zeroui.kms.bench..")
                .because("trust.validation used bench.LatencyStats until issue 13 §1")
                .check(MAIN);
    }

    /**
     * Capability packages (the first level under com.zeroui.kms, sub-packages included) form no cycle, so each can be
     * read, tested and split out on its own; shared small types live with the concept's owner (e.g. crypto.Pem).
     */
    @Test
    void capabilityPackagesAreFreeOfCycles() {
        slices().matching("com.zeroui.kms.(*)..").should().beFreeOfCycles()
                .because("package cycles were broken in issue 13 §1; a new one must not creep back")
                .check(MAIN);
    }

    /** Tenancy is decided in one place (auth.Tenancy), so the token's environment binding cannot be forgotten. */
    @Test
    void onlyTenancyAsksWhetherACallerMayActForATenant() {
        noClasses().that().doNotHaveFullyQualifiedName("com.zeroui.kms.auth.Tenancy")
                .and().doNotHaveFullyQualifiedName("com.zeroui.kms.auth.CallerIdentity")
                .should().callMethod(com.zeroui.kms.auth.CallerIdentity.class, "mayActFor", String.class)
                .because("every service decides tenancy through auth.Tenancy (issue 13 §1)")
                .check(MAIN);
    }

    /** Key operations go through the template: only KeyOperations resolves a key for a cryptographic use. */
    @Test
    void keysAreResolvedForUseOnlyByTheTemplate() {
        noClasses().that().doNotHaveFullyQualifiedName("com.zeroui.kms.keys.KeyOperations")
                .and().doNotHaveFullyQualifiedName("com.zeroui.kms.keys.KeyResolver")
                .should().callMethodWhere(com.tngtech.archunit.base.DescribedPredicate.describe("KeyResolver.resolveForUse",
                        call -> call.getTarget().getOwner().getFullName().equals("com.zeroui.kms.keys.KeyResolver")
                                && call.getTarget().getName().equals("resolveForUse")))
                .check(MAIN);
    }
}
