package example

import scala.io.Source
import scala.util.Using

object WordCount {
  final case class Count(word: String, n: Int)

  def count(lines: Iterator[String]): Seq[Count] =
    lines
      .flatMap(_.toLowerCase.split("\\W+"))
      .filter(_.nonEmpty)
      .toSeq
      .groupMapReduce(identity)(_ => 1)(_ + _)
      .map { case (w, n) => Count(w, n) }
      .toSeq
      .sortBy(c => (-c.n, c.word))

  def main(args: Array[String]): Unit =
    Using.resource(Source.fromFile(args.head)) { src =>
      count(src.getLines()).take(10).foreach(c => println(s"${c.word}\t${c.n}"))
    }
}
