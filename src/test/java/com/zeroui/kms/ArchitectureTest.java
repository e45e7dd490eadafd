package com.zeroui.kms;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
}
