package dev.gatehouse.standalone;

import dev.gatehouse.gateway.content.ContentKeyRotation;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.admin.AdminRequests;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Schedulers;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * {@code POST /admin/v1/tenants/{slug}/keys/rotate}: a new version of the tenant's key-encryption
 * key, then every stored content record rewrapped to it (payloads are not decrypted). Tenant
 * admins rotate their own tenant's key, platform admins any.
 */
final class TenantKeyAdminRoutes {

    private TenantKeyAdminRoutes() {
    }

    static RouterFunction<ServerResponse> routes(AdminAccess access, ContentKeyRotation rotation) {
        RouterFunction<ServerResponse> rotate = route(POST("/admin/v1/tenants/{slug}/keys/rotate"), request -> access.administrator(request)
                .publishOn(Schedulers.boundedElastic())
                .map(caller -> {
                    Tenant tenant = access.manageableTenant(caller, request);
                    return rotation.rotate(tenant.id());
                })
                .flatMap(result -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(
                        "{\"key_version\":" + result.keyVersion() + ",\"rewrapped_records\":" + result.rewrappedRecords() + "}")));
        return AdminRequests.answering(MediaType.APPLICATION_JSON, rotate);
    }
}
