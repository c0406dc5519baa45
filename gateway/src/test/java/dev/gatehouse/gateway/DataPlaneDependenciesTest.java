package dev.gatehouse.gateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The data plane runs without the control plane (decision 0411): nothing the gateway's classes use,
 * directly or through the read side of tenant-service and model-catalog, belongs to an admin API,
 * the declarative catalog or Keycloak provisioning, so a gateway-mode process never needs them.
 */
class DataPlaneDependenciesTest {

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importTheMainClasses() {
        mainClasses = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.gatehouse");
    }

    @Test
    void theGatewayUsesNoControlPlanePackageEvenThroughTheModulesItReads() {
        usesNoControlPlanePackage("dev.gatehouse.gateway..").check(mainClasses);
    }

    @Test
    void theRuleCatchesAControlPlaneDependency() {
        // the catalog's admin API builds on the tenants' one, as control-plane code may
        assertThatThrownBy(() -> usesNoControlPlanePackage("dev.gatehouse.catalog.admin..").check(mainClasses))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("dev.gatehouse.tenant.admin.AdminRequests");
    }

    private static ArchRule usesNoControlPlanePackage(String packages) {
        return noClasses().that().resideInAPackage(packages)
                .should().transitivelyDependOnClassesThat().resideInAnyPackage(
                        "dev.gatehouse.tenant.admin..", "dev.gatehouse.tenant.keycloak..",
                        "dev.gatehouse.catalog.admin..", "dev.gatehouse.catalog.file..",
                        "org.keycloak..")
                .because("a gateway-mode process serves calls with the control plane down or absent");
    }
}
