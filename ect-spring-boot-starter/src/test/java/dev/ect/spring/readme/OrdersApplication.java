package dev.ect.spring.readme;

import dev.ect.core.Ect;
import dev.ect.core.context.TaskContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

// The starter README's application, as written there (ReadmeSnippetTest compares the two).
@SpringBootApplication
@RestController
public class OrdersApplication {
    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }

    @GetMapping("/orders")
    public String orders() {
        Ect task = TaskContext.current().orElseThrow().inbound();
        return "orders for " + task.iss() + ", task " + task.jti();
    }
}
