package dev.gatehouse.standalone;

import dev.gatehouse.crypto.CryptoException;
import dev.gatehouse.crypto.ErrorCode;
import dev.gatehouse.gateway.content.ContentKeyRotation;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.admin.AdminRequests;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * {@code POST /admin/v1/tenants/{slug}/keys/rotate}: a new version of the tenant's key-encryption
 * key, then every stored content record rewrapped to it (payloads are not decrypted). Tenant
 * admins rotate their own tenant's key, platform admins any. The request waits for the rotation
 * job without owning it: a client that gives up leaves it running, and one that asks again while
 * it runs gets its result.
 */
final class TenantKeyAdminRoutes {

    private TenantKeyAdminRoutes() {
    }

    static RouterFunction<ServerResponse> routes(AdminAccess access, ContentKeyRotation rotation) {
        RouterFunction<ServerResponse> rotate = route(POST("/admin/v1/tenants/{slug}/keys/rotate"), request -> access.administrator(request)
                .publishOn(Schedulers.boundedElastic())
                .map(caller -> access.manageableTenant(caller, request))
                .flatMap(tenant -> Mono.fromFuture(rotation.rotate(tenant.id())))
                .onErrorMap(CryptoException.class, TenantKeyAdminRoutes::unavailableKeyService)
                .flatMap(result -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(
                        "{\"key_version\":" + result.keyVersion() + ",\"rewrapped_records\":" + result.rewrappedRecords() + "}")));
        return AdminRequests.answering(MediaType.APPLICATION_JSON, rotate);
    }

    private static Throwable unavailableKeyService(CryptoException error) {
        if (error.code() == ErrorCode.KEY_SERVICE_UNAVAILABLE || error.code() == ErrorCode.KEYSTORE_UNAVAILABLE) {
            return new ApiProblem(ProblemType.KEY_SERVICE_UNAVAILABLE,
                    "The key service is unavailable; every record is still readable, and rotating again completes the rotation.");
        }
        return error;
    }
}
