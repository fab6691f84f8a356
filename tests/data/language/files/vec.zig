const std = @import("std");

pub fn Vec2(comptime T: type) type {
    return struct {
        x: T,
        y: T,

        const Self = @This();

        pub fn add(a: Self, b: Self) Self {
            return .{ .x = a.x + b.x, .y = a.y + b.y };
        }

        pub fn dot(a: Self, b: Self) T {
            return a.x * b.x + a.y * b.y;
        }
    };
}

test "dot product" {
    const V = Vec2(i32);
    const a = V{ .x = 1, .y = 2 };
    try std.testing.expectEqual(@as(i32, 11), a.dot(.{ .x = 3, .y = 4 }));
}
