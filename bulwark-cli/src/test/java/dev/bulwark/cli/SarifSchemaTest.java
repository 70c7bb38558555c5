package dev.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The SARIF output of every sample project is valid against the SARIF 2.1.0 JSON schema. */
class SarifSchemaTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private static JsonSchema schema() throws Exception {
        try (InputStream in = SarifSchemaTest.class.getResourceAsStream("/sarif/sarif-2.1.0-rtm.5.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(new ObjectMapper().readTree(in));
        }
    }

    @Test
    void sarifOfEverySampleProjectValidatesAgainstTheSchema() throws Exception {
        JsonSchema schema = schema();
        for (String dir : new String[]{"examples/alembic-bot/alembic", "examples/prisma-blog/prisma/migrations",
                "examples/flyway-payments/sql", "examples/shop/migrations"}) {
            Cli r = Cli.run(REPO, "lint", dir, "-o", "sarif");
            JsonNode sarif = new ObjectMapper().readTree(r.out());
            Set<ValidationMessage> errors = schema.validate(sarif);
            assertThat(errors).as(dir).isEmpty();
            if (!dir.contains("shop")) {
                assertThat(sarif.at("/runs/0/results")).as(dir).isNotEmpty();
            }
        }
    }

    @Test
    void theSchemaCatchesABrokenDocument() throws Exception {
        // Guards the test itself: a result without a message must fail validation.
        JsonNode broken = new ObjectMapper().readTree("{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"x\"}},"
                + "\"results\":[{\"ruleId\":\"r\"}]}]}");
        assertThat(schema().validate(broken)).isNotEmpty();
    }
}
