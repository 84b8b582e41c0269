package io.rowflow.security;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Every REST method of the application, found by reading the compiled classes. */
record Routes(String verb, String path, Method method) {
    static List<Routes> all() throws IOException {
        java.nio.file.Path classes = java.nio.file.Path.of("target/classes");
        List<Routes> routes = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, Routes.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                Path base = type.getAnnotation(Path.class);
                if (base == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    String verb = verb(method);
                    if (verb != null) {
                        Path sub = method.getAnnotation(Path.class);
                        String path = base.value() + (sub == null ? "" : "/" + sub.value());
                        routes.add(new Routes(verb, path.replaceAll("/+", "/").replaceAll("/$", ""), method));
                    }
                }
            }
        }
        routes.sort(Comparator.comparing(Routes::path).thenComparing(Routes::verb));
        return routes;
    }

    private static String verb(Method method) {
        for (Annotation a : method.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    <A extends Annotation> boolean has(Class<A> annotation) {
        return method.isAnnotationPresent(annotation) || method.getDeclaringClass().isAnnotationPresent(annotation);
    }

    @Override
    public String toString() {
        return verb + " " + path;
    }
}
