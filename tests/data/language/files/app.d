import std.stdio;
import std.algorithm : map, filter, sum;
import std.range : iota;

struct Point
{
    double x, y;
    double norm() const { return x * x + y * y; }
}

void main(string[] args)
{
    auto squares = iota(1, 11).filter!(n => n % 2 == 0).map!(n => n * n);
    writeln("sum of even squares: ", squares.sum);
    auto p = Point(3, 4);
    writefln("norm = %s", p.norm);
}
