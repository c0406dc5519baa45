package dev.gatehouse.standalone;

import dev.gatehouse.gateway.GatewayConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** The whole marketplace in one process: gateway, control plane, embedded database and built-in backends. */
@SpringBootApplication
@Import(GatewayConfiguration.class)
public class GatehouseApplication {

    public static void main(String[] args) {
        GracefulTermination.onSignals(SpringApplication.run(GatehouseApplication.class, args));
    }
}
