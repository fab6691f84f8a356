sealed trait Shape {
  def area: Double
}
case class Circle(r: Double) extends Shape {
  val area: Double = math.Pi * r * r
}
case class Square(side: Double) extends Shape {
  def area: Double = side * side
}

object Shapes extends App {
  val shapes: List[Shape] = List(Circle(1), Square(2))
  val total = shapes.foldLeft(0.0)(_ + _.area)
  implicit val ord: Ordering[Shape] = Ordering.by(_.area)
  println(f"total=$total%.2f largest=${shapes.max}")
}
