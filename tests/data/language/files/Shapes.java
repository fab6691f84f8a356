package com.example.geometry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A few shapes and the sum of their areas. */
public final class Shapes {
    private final List<Shape> shapes = new ArrayList<>();

    public interface Shape {
        double area();
    }

    public record Circle(double radius) implements Shape {
        @Override
        public double area() {
            return Math.PI * radius * radius;
        }
    }

    public record Rectangle(double width, double height) implements Shape {
        @Override
        public double area() {
            return width * height;
        }
    }

    public Shapes add(Shape shape) {
        shapes.add(Objects.requireNonNull(shape, "shape"));
        return this;
    }

    public double totalArea() {
        return shapes.stream().mapToDouble(Shape::area).sum();
    }

    public static void main(String[] args) {
        Shapes s = new Shapes().add(new Circle(1.0)).add(new Rectangle(2.0, 3.0));
        System.out.printf("total area: %.3f%n", s.totalArea());
    }
}
