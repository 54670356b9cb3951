package io.lakebase.spring.sample.reactive;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A reactive notes service on Lakebase: WebFlux and Spring Data R2DBC over the starter's R2DBC
 * connection factory, its schema made by Flyway over the starter's JDBC data source, both logging
 * in with the one rotating credential.
 */
@SpringBootApplication
public class ReactiveSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(ReactiveSampleApplication.class, args);
	}

}
