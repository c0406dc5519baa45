package dev.gatehouse.standalone;

import dev.gatehouse.audit.AuditCheckpoints;
import dev.gatehouse.audit.AuditExport;
import dev.gatehouse.audit.AuditExportJobs;
import dev.gatehouse.audit.AuditJournal;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.audit.AuditRetention;
import dev.gatehouse.audit.SigningKeyDirectory;
import dev.gatehouse.crypto.signing.Ed25519KeyRing;
import dev.gatehouse.gateway.plane.OnPlane;
import dev.gatehouse.gateway.plane.Plane;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

/**
 * The audit trail's control plane: the checkpoint-signing key ring ({@code <data-dir>/keys/audit-signing.bcfks},
 * under the same master secret as the tenant keys), its public keys published for all replicas, checkpoints
 * signed at a fixed cadence ({@code gatehouse.audit.checkpoint-interval}, 10 s by default) and on demand,
 * retention and legal hold run hourly, the audit API, and the audit of every control-plane action.
 */
@Configuration(proxyBeanMethods = false)
@OnPlane(Plane.CONTROL)
class AuditConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(AuditConfiguration.class);

    @Bean
    Ed25519KeyRing auditSigningKeys(@Value("${gatehouse.data-dir}") Path dataDir) {
        return Ed25519KeyRing.openOrCreate(dataDir.resolve("keys").resolve("audit-signing.bcfks"), CryptoConfiguration.masterSecret(dataDir));
    }

    @Bean
    @DependsOn("auditLog")
    SigningKeyDirectory signingKeyDirectory(DataSource dataSource, Ed25519KeyRing auditSigningKeys) {
        SigningKeyDirectory directory = new SigningKeyDirectory(dataSource);
        directory.publish(auditSigningKeys.publicKeys());
        return directory;
    }

    @Bean
    AuditCheckpoints auditCheckpoints(AuditLog auditLog, Ed25519KeyRing auditSigningKeys, SigningKeyDirectory signingKeyDirectory, Clock clock) {
        return new AuditCheckpoints(auditLog, auditSigningKeys, signingKeyDirectory::published, clock);
    }

    @Bean
    AuditExport auditExport(AuditLog auditLog, AuditCheckpoints auditCheckpoints, Ed25519KeyRing auditSigningKeys, Clock clock) {
        return new AuditExport(auditLog, auditCheckpoints, auditSigningKeys, clock);
    }

    @Bean
    @DependsOn("auditLog")
    AuditRetention auditRetention(DataSource dataSource, Clock clock) {
        return new AuditRetention(dataSource, clock);
    }

    /** Checkpoints at the cadence, retention hourly; a failed run is logged and the next one runs (an exception would end the schedule). */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService auditSchedules(AuditCheckpoints auditCheckpoints, AuditRetention auditRetention,
                                            @Value("${gatehouse.audit.checkpoint-interval:10s}") Duration checkpointInterval) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gatehouse-audit-schedules");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                auditCheckpoints.signGrownLogs();
            } catch (RuntimeException e) {
                LOG.error("signing the audit checkpoints failed; the next run tries again", e);
            }
        }, checkpointInterval.toMillis(), checkpointInterval.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(auditRetention::purgeOnSchedule, 1, 60, TimeUnit.MINUTES);
        return scheduler;
    }

    @Bean
    ControlPlaneAuditFilter controlPlaneAuditFilter(AuditJournal auditJournal, BearerAuthenticator callers, TenantDirectory tenants, Clock clock) {
        return new ControlPlaneAuditFilter(auditJournal, callers, tenants, clock);
    }

    /** Export jobs write their bundles to {@code <data-dir>/audit-exports}, two at a time. */
    @Bean(destroyMethod = "close")
    @DependsOn("auditLog")
    AuditExportJobs auditExportJobs(DataSource dataSource, AuditExport auditExport, @Value("${gatehouse.data-dir}") Path dataDir, Clock clock) {
        return AuditExportJobs.open(dataSource, auditExport, dataDir.resolve("audit-exports"), 2, clock);
    }

    @Bean
    RouterFunction<ServerResponse> auditAdminRoutes(TenantDatabase database, BearerAuthenticator callers, AuditLog auditLog,
                                                    AuditCheckpoints auditCheckpoints, AuditExport auditExport, AuditExportJobs auditExportJobs,
                                                    AuditRetention auditRetention, Ed25519KeyRing auditSigningKeys,
                                                    SigningKeyDirectory signingKeyDirectory) {
        return new AuditAdminRoutes(new AdminAccess(callers, database), auditLog, auditCheckpoints, auditExport, auditExportJobs,
                auditRetention, auditSigningKeys, signingKeyDirectory).routes();
    }
}
