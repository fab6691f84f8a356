using System;

namespace HelloWorld
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length == 0)
            {
                Console.Error.WriteLine("usage: hello NAME");
                return 2;
            }
            foreach (var name in args)
            {
                Console.WriteLine($"Hello, {name}!");
            }
            return 0;
        }
    }
}
