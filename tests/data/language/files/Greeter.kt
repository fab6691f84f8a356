package com.example.greeter

import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking

data class Person(val name: String, val age: Int)

sealed interface Greeting {
    data class Hello(val person: Person) : Greeting
    object Silence : Greeting
}

fun greetingFor(person: Person?): Greeting =
    person?.let { Greeting.Hello(it) } ?: Greeting.Silence

suspend fun greet(g: Greeting) {
    when (g) {
        is Greeting.Hello -> println("Hello, ${g.person.name}!")
        Greeting.Silence -> delay(100)
    }
}

fun main() = runBlocking {
    val people = listOf(Person("Ada", 36), Person("Alan", 41))
    people.filter { it.age > 40 }.map(::greetingFor).forEach { greet(it) }
}
